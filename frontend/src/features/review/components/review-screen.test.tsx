import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Schemas } from "@/lib/api-client";
import { alice, detailOf, pageOf } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

function serve() {
  return mockApi({
    "GET /api/auth/me/": { body: { user: alice } },
    "GET /api/documents/7/": { body: detailOf() },
    "GET /api/documents/7/pages/1/": { body: pageOf(1) },
    "GET /api/documents/7/pages/2/": { body: { ...pageOf(2), blocks: [], lines: [], tables: [] } },
    "PATCH /api/lines/23/": (_req, body) => {
      const line = pageOf().lines[2]!;
      const text = (body as { text: string }).text;
      return { body: { ...line, corrected_text: text, effective_text: text } satisfies Schemas["Line"] };
    },
    "PATCH /api/table-cells/41/": (_req, body) => {
      const cell = pageOf().tables[0]!.cells[0]!;
      const text = (body as { text: string }).text;
      return { body: { ...cell, corrected_text: text, effective_text: text } };
    },
    "POST /api/documents/7/pages/1/reviewed/": { body: { ...detailOf().pages[0]!, reviewed: true } },
  });
}

const textLine = (id: number) => document.querySelector(`[data-sel="line-${id}"]`)!;
const box = (id: number) => document.querySelector(`[data-line-id="${id}"]`)!;

describe("review", () => {
  it("links boxes and text both ways and walks the uncertain lines by key", async () => {
    serve();
    const user = userEvent.setup();
    renderApp("/documents/7?page=1");
    const panel = await screen.findByLabelText("Text");
    expect(within(panel).getByText("Revenue grew by 12 percent")).toBeInTheDocument();
    expect(screen.getByText("Below 80% confidence: 2 lines")).toBeInTheDocument();
    expect(textLine(23)).toHaveClass("is-low");
    expect(box(23)).toHaveClass("is-low");
    expect(textLine(22)).not.toHaveClass("is-low");

    await user.click(box(22));
    expect(textLine(22)).toHaveClass("is-selected");
    await user.click(within(panel).getByText("lnvoice 48213 overdue"));
    expect(box(24)).toHaveClass("is-selected");
    expect(textLine(22)).not.toHaveClass("is-selected");

    await user.keyboard("n");
    expect(textLine(23)).toHaveClass("is-selected");
    await user.keyboard("n");
    expect(textLine(24)).toHaveClass("is-selected");

    await user.selectOptions(screen.getByLabelText(/Confidence threshold/), "0.5");
    expect(screen.getByText("Below 50% confidence: 1 lines")).toBeInTheDocument();
  });

  it("corrects a line in place and keeps the original viewable", async () => {
    const sent = serve();
    const user = userEvent.setup();
    renderApp("/documents/7?page=1");
    const panel = await screen.findByLabelText("Text");
    await user.click(within(panel).getByText("Warehuose opens Monday"));
    await user.keyboard("{Enter}");
    const field = screen.getByRole("textbox", { name: "Edit" });
    expect(field).toHaveValue("Warehuose opens Monday");
    await user.clear(field);
    await user.type(field, "Warehouse opens Monday{Enter}");

    expect(await within(panel).findByText("Warehouse opens Monday")).toBeInTheDocument();
    expect(sent.find((r) => r.method === "PATCH")).toMatchObject({
      path: "/api/lines/23/",
      body: { text: "Warehouse opens Monday" },
    });
    expect(textLine(23)).not.toHaveClass("is-low");
    await user.click(within(textLine(23) as HTMLElement).getByRole("button", { name: /Corrected/ }));
    expect(screen.getByText("Original: Warehuose opens Monday")).toBeInTheDocument();
  });

  it("edits a table cell, marks the page reviewed and turns pages by key", async () => {
    const sent = serve();
    const user = userEvent.setup();
    const { router } = renderApp("/documents/7?page=1");
    await user.dblClick(await screen.findByText("Item"));
    const field = screen.getByRole("textbox", { name: "Edit" });
    await user.clear(field);
    await user.type(field, "Article{Enter}");
    expect(await screen.findByText("Article")).toBeInTheDocument();
    expect(sent.find((r) => r.method === "PATCH")).toMatchObject({
      path: "/api/table-cells/41/",
      body: { text: "Article" },
    });

    await user.click(screen.getByRole("button", { name: "Mark page reviewed" }));
    expect(await screen.findByRole("button", { name: "Page reviewed ✓ (undo)" })).toBeInTheDocument();
    expect(sent.find((r) => r.path.endsWith("/reviewed/"))?.body).toEqual({ reviewed: true });

    await user.keyboard("{ArrowRight}");
    await waitFor(() => expect(router.state.location.search).toBe("?page=2"));
    expect(await screen.findByText("No text was found on this page.")).toBeInTheDocument();
    await user.keyboard("{ArrowRight}"); // there is no page 3
    expect(router.state.location.search).toBe("?page=2");
  });

  it("says a document is not there (someone else's, or deleted)", async () => {
    mockApi({ "GET /api/auth/me/": { body: { user: alice } } });
    renderApp("/documents/99");
    expect(await screen.findByRole("alert")).toHaveTextContent("This page does not exist.");
  });
});
