import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { documentOf } from "@/testing/fixtures";
import { renderWithProviders } from "@/testing/render";

import { UploadPanel } from "./upload-panel";

// XMLHttpRequest as the upload sees it: the test decides progress and the server's answer.
class FakeXhr {
  static all: FakeXhr[] = [];
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  responseText = "";
  headers: Record<string, string> = {};
  form: FormData | null = null;
  open = vi.fn();
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(form: FormData) {
    this.form = form;
    FakeXhr.all.push(this);
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    act(() => this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent));
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    act(() => this.onload?.());
  }
}

describe("upload", () => {
  it("shows each file's progress, its document or why it was refused", async () => {
    FakeXhr.all = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    document.cookie = "csrftoken=tok";
    renderWithProviders(<UploadPanel />, "/upload");
    const user = userEvent.setup();

    await user.click(screen.getByLabelText("Text only (fast)"));
    await user.click(screen.getByLabelText("Detect upside-down text lines"));
    const files = [
      new File(["png-bytes"], "scan.png", { type: "image/png" }),
      new File([], "empty.pdf", { type: "application/pdf" }),
    ];
    await user.upload(screen.getByTestId("file-input"), files);

    expect(FakeXhr.all).toHaveLength(2);
    const [good, bad] = FakeXhr.all as [FakeXhr, FakeXhr];
    expect(good.form!.get("pipeline")).toBe("ocr");
    expect(JSON.parse(good.form!.get("options") as string)).toEqual({ use_textline_orientation: true });
    expect((good.form!.get("file") as File).name).toBe("scan.png");
    expect(good.headers["X-CSRFToken"]).toBe("tok");

    const rows = screen.getAllByTestId("upload-item");
    good.progress(50, 100);
    expect(within(rows[0]!).getByText("Uploading 50%")).toBeInTheDocument();
    expect(within(rows[0]!).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "50");

    good.answer(201, {
      documents: [documentOf({ id: 9, name: "scan.png", status: "queued" })],
      rejected: [],
    });
    bad.answer(400, {
      error: {
        code: "empty_file",
        message: "The file is empty.",
        fields: {},
        files: [{ name: "empty.pdf", code: "empty_file", message: "The file is empty." }],
      },
    });

    expect(await within(rows[0]!).findByText("Uploaded")).toBeInTheDocument();
    expect(within(rows[0]!).getByRole("link", { name: "Open" })).toHaveAttribute("href", "/documents/9");
    expect(within(rows[1]!).getByRole("alert")).toHaveTextContent("Rejected: The file is empty.");
  });

  it("sends at most two files at once", async () => {
    FakeXhr.all = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    renderWithProviders(<UploadPanel />, "/upload");
    const files = ["a", "b", "c"].map((n) => new File([n], `${n}.png`, { type: "image/png" }));
    await userEvent.upload(screen.getByTestId("file-input"), files);
    expect(FakeXhr.all).toHaveLength(2);
    expect(screen.getAllByText("Waiting to upload")).toHaveLength(1);
    FakeXhr.all[0]!.answer(201, { documents: [documentOf({ id: 1 })], rejected: [] });
    await screen.findByText("Uploaded");
    // The freed slot starts the waiting file on the render after the answer, not with it.
    await waitFor(() => expect(FakeXhr.all).toHaveLength(3));
  });

  it("takes files dropped on the drop zone", async () => {
    FakeXhr.all = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    renderWithProviders(<UploadPanel />, "/upload");
    const files = [new File(["x"], "dropped.tif", { type: "image/tiff" })];
    const zone = screen.getByTestId("dropzone");
    fireEvent.dragOver(zone, { dataTransfer: { files } });
    expect(zone).toHaveClass("is-dragging");
    fireEvent.drop(zone, { dataTransfer: { files } });
    expect(zone).not.toHaveClass("is-dragging");
    expect(await screen.findByText("dropped.tif")).toBeInTheDocument();
    expect((FakeXhr.all[0]!.form!.get("file") as File).name).toBe("dropped.tif");
  });
});
