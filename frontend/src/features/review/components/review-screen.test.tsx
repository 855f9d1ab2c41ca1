import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { Schemas } from "@/lib/api-client";
import { setLang } from "@/lib/i18n";
import { alice, detailOf, pageOf } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

// A server that keeps what is saved: the page is read again after a correction.
function serve() {
  const page = pageOf(1);
  const table = page.tables[0]!;
  return mockApi({
    "GET /api/auth/me/": { body: { user: alice } },
    "GET /api/documents/7/": { body: detailOf() },
    "GET /api/documents/7/pages/1/": () => ({ body: page }),
    "GET /api/documents/7/pages/2/": { body: { ...pageOf(2), blocks: [], lines: [], tables: [] } },
    "PATCH /api/lines/23/": (_req, body) => {
      const text = (body as { text: string }).text;
      page.lines[2] = {
        ...page.lines[2]!,
        corrected_text: text,
        effective_text: text,
      } satisfies Schemas["Line"];
      return { body: page.lines[2] };
    },
    "PATCH /api/table-cells/41/": (_req, body) => {
      const text = (body as { text: string }).text;
      table.cells[0] = { ...table.cells[0]!, corrected_text: text, effective_text: text };
      return { body: table.cells[0] };
    },
    "POST /api/documents/7/pages/1/reviewed/": { body: { ...detailOf().pages[0]!, reviewed: true } },
  });
}

const textLine = (id: number) => document.querySelector(`[data-sel="line-${id}"]`)!;
const box = (id: number) => document.querySelector(`[data-line-id="${id}"]`)!;

describe("review", () => {
  it("names the status and every block's kind in Chinese", async () => {
    serve();
    setLang("zh-Hans");
    renderApp("/documents/7?page=1");
    const panel = await screen.findByLabelText("文字");
    expect(within(panel).getByText("文档标题")).toBeInTheDocument(); // doc_title
    expect(within(panel).getByText("正文")).toBeInTheDocument(); // text
    expect(within(panel).getAllByText("表格").length).toBeGreaterThan(0); // table
    expect(document.querySelector(".review-head .badge")).toHaveTextContent("已完成");
    expect(screen.getByText("置信度低于 80%：2 行")).toBeInTheDocument();
  });

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
    expect(screen.getByText("Below 50% confidence: 1 line")).toBeInTheDocument();
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

  it("lists corrections a new run could not place, to re-apply on a chosen line or drop", async () => {
    const correction = (
      id: number,
      state: Schemas["Correction"]["state"],
      before: string,
      after: string,
    ) => ({
      id,
      kind: "line" as const,
      state,
      line: state === "unplaced" ? null : 22,
      block: null,
      cell: null,
      place: [0.1, 0.1, 0.5, 0.12],
      engine_text: "Revenue grew by 12 procent",
      before,
      after,
      user: "alice",
      run_attempt: 2,
      created_at: "2026-11-30T10:00:00Z",
      updated_at: "2026-11-30T10:00:00Z",
    });
    const page = {
      ...pageOf(1),
      corrections: [
        correction(5, "unplaced", "Revenue grew by 12 procent", "Revenue grew by 12 percent."),
        correction(4, "history", "Revenue grew by 12 procent", "Revenue grew 12%"),
      ],
    };
    const sent = mockApi({
      "GET /api/auth/me/": { body: { user: alice } },
      "GET /api/documents/7/": { body: detailOf() },
      "GET /api/documents/7/pages/1/": { body: page },
      "POST /api/corrections/5/reapply/": { body: { ...page.corrections[0]!, state: "history" } },
      "POST /api/corrections/5/drop/": { body: { ...page.corrections[0]!, state: "dropped" } },
    });
    const user = userEvent.setup();
    renderApp("/documents/7?page=1");
    const unplaced = await screen.findByRole("region", { name: "Not placed on the new run: 1" });
    const apply = within(unplaced).getByRole("button", { name: "Apply to the selected line" });
    expect(apply).toBeDisabled(); // nothing is selected yet
    expect(within(unplaced).getByText("Revenue grew by 12 percent.")).toBeInTheDocument();

    await user.click(box(22));
    expect(apply).toBeEnabled();
    await user.click(apply);
    await waitFor(() =>
      expect(sent.find((r) => r.path === "/api/corrections/5/reapply/")?.body).toEqual({ target: 22 }),
    );
    await user.click(within(unplaced).getByRole("button", { name: "Drop" }));
    await waitFor(() => expect(sent.some((r) => r.path === "/api/corrections/5/drop/")).toBe(true));

    await user.click(screen.getByText("History of corrections (2)"));
    expect(screen.getByText("Revenue grew 12%")).toBeInTheDocument();
    expect(screen.getAllByText(/alice, .* · replaced/)).toHaveLength(1);
  });

  it("says a document is not there (someone else's, or deleted)", async () => {
    mockApi({ "GET /api/auth/me/": { body: { user: alice } } });
    renderApp("/documents/99");
    expect(await screen.findByRole("alert")).toHaveTextContent("This page does not exist.");
  });
});
