import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { alice, documentOf } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const page = (results: unknown[], count = results.length) => ({
  body: { count, next: null, previous: null, results },
});

describe("documents list", () => {
  it("shows progress, queue position and failures from the server, and refreshes while work runs", async () => {
    let calls = 0;
    mockApi({
      "GET /api/auth/me/": { body: { user: alice } },
      "GET /api/documents/": () => {
        calls += 1;
        return page([
          calls === 1
            ? documentOf({ id: 1, name: "a.pdf", status: "running", pages_total: 3, pages_done: 1 })
            : documentOf({ id: 1, name: "a.pdf", status: "done", pages_total: 3, pages_done: 3 }),
          documentOf({
            id: 2,
            name: "b.png",
            status: "queued",
            pages_total: 1,
            pages_done: 0,
            queue_position: 2,
          }),
          documentOf({
            id: 3,
            name: "c.tif",
            status: "failed",
            error: "page 1: the image could not be read",
          }),
        ]);
      },
    });
    renderApp("/documents");
    const rows = await screen.findAllByTestId("document-row");
    expect(within(rows[0]!).getByText("Running")).toBeInTheDocument();
    expect(within(rows[0]!).getByText("1 of 3 pages")).toBeInTheDocument();
    expect(within(rows[1]!).getByText("Position 2 in the queue")).toBeInTheDocument();
    expect(within(rows[2]!).getByText("Failed: page 1: the image could not be read")).toBeInTheDocument();

    await waitFor(
      () =>
        expect(
          within(screen.getAllByTestId("document-row")[0]!).getByText("3 of 3 pages"),
        ).toBeInTheDocument(),
      {
        timeout: 4000,
      },
    );
  });

  it("filters, pages, and acts on the selected documents", async () => {
    const docs = Array.from({ length: 25 }, (_, i) => documentOf({ id: i + 1, name: `doc-${i + 1}.png` }));
    const sent = mockApi({
      "GET /api/auth/me/": { body: { user: alice } },
      "GET /api/documents/": (req) => {
        const q = new URL(req.url).searchParams;
        return q.get("status") === "cancelled" ? page([]) : page(docs, 30);
      },
      "POST /api/documents/1/reprocess/": { status: 202, body: documentOf({ id: 1, status: "queued" }) },
      "POST /api/documents/2/reprocess/": { status: 202, body: documentOf({ id: 2, status: "queued" }) },
      "DELETE /api/documents/1/": { status: 204 },
      "DELETE /api/documents/2/": {
        status: 404,
        body: { error: { code: "not_found", message: "Not found.", fields: {} } },
      },
    });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const user = userEvent.setup();
    renderApp("/documents");

    await screen.findAllByTestId("document-row");
    expect(screen.getByText("Page 1 of 2")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Next" }));
    await waitFor(() => expect(sent.at(-1)!.query.get("page")).toBe("2"));

    await user.selectOptions(screen.getByLabelText("Status"), "cancelled");
    expect(await screen.findByText("No documents match these filters.")).toBeInTheDocument();
    expect(sent.at(-1)!.query.get("status")).toBe("cancelled");
    expect(sent.at(-1)!.query.get("page")).toBeNull();

    await user.selectOptions(screen.getByLabelText("Status"), "");
    await user.click(await screen.findByLabelText("Select doc-1.png"));
    await user.click(screen.getByLabelText("Select doc-2.png"));
    expect(screen.getByText("2 selected")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Export ZIP" })).toBeEnabled();

    await user.click(screen.getByRole("button", { name: "Reprocess" }));
    await waitFor(() => expect(sent.filter((r) => r.path.endsWith("/reprocess/"))).toHaveLength(2));

    await user.click(screen.getByRole("button", { name: "Delete" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("1 could not be changed: Not found.");
    expect(screen.getByText("1 selected")).toBeInTheDocument();
  });

  it("invites a first upload when there is nothing yet", async () => {
    mockApi({ "GET /api/auth/me/": { body: { user: alice } }, "GET /api/documents/": page([]) });
    renderApp("/documents");
    expect(await screen.findByText("No documents yet. Upload some to start.")).toBeInTheDocument();
  });
});
