import { act, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import type { Schemas } from "@/lib/api-client";
import { documentOf } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
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

const option = (overrides: Partial<Schemas["OptionChoice"]> & { name: string }): Schemas["OptionChoice"] => ({
  pipelines: ["ocr", "structure"],
  default: false,
  available: true,
  model: "SomeModel",
  how_to_add: "",
  ...overrides,
});

// GET /api/config/ as a server with the usual models answers it (the admin left the defaults).
function configOf(overrides: Partial<Schemas["Config"]> = {}): Schemas["Config"] {
  return {
    default_pipeline: "structure",
    pipelines: [
      { name: "ocr", available: true, missing_models: [] },
      { name: "structure", available: true, missing_models: [] },
    ],
    options: [
      option({ name: "use_doc_orientation_classify", default: true }),
      option({
        name: "use_doc_unwarping",
        available: false,
        how_to_add: "python manage.py ocr_models install",
      }),
      option({ name: "use_textline_orientation" }),
      option({ name: "use_table_recognition", pipelines: ["structure"], default: true }),
    ],
    ...overrides,
  };
}

// The upload screen once the server's config has come.
async function renderPanel(config: Schemas["Config"] = configOf()) {
  mockApi({ "GET /api/config/": { body: config } });
  renderWithProviders(<UploadPanel />, "/upload");
  await screen.findByTestId("file-input");
}

const sentOptions = (xhr: FakeXhr) => JSON.parse(xhr.form!.get("options") as string) as unknown;
const checkboxNames = () => screen.queryAllByRole("checkbox").map((box) => box.getAttribute("name"));

describe("upload", () => {
  it("shows each file's progress, its document or why it was refused", async () => {
    FakeXhr.all = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    document.cookie = "csrftoken=tok";
    await renderPanel();
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
    await renderPanel();
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
    await renderPanel();
    const files = [new File(["x"], "dropped.tif", { type: "image/tiff" })];
    const zone = screen.getByTestId("dropzone");
    fireEvent.dragOver(zone, { dataTransfer: { files } });
    expect(zone).toHaveClass("is-dragging");
    fireEvent.drop(zone, { dataTransfer: { files } });
    expect(zone).not.toHaveClass("is-dragging");
    expect(await screen.findByText("dropped.tif")).toBeInTheDocument();
    expect((FakeXhr.all[0]!.form!.get("file") as File).name).toBe("dropped.tif");
  });

  it("offers only the pipelines and options the server can run, ticked as its defaults say", async () => {
    const user = userEvent.setup();
    await renderPanel(
      configOf({
        pipelines: [
          { name: "ocr", available: true, missing_models: [] },
          { name: "structure", available: true, missing_models: [] },
          { name: "table", available: false, missing_models: ["SLANet_plus"] },
        ],
        options: [
          option({ name: "use_doc_orientation_classify", default: false }), // the admin's choice
          option({ name: "use_doc_unwarping", available: false }),
          option({ name: "use_table_recognition", pipelines: ["structure"], default: true }),
          option({ name: "use_formula_recognition", pipelines: ["structure"], available: false }),
          option({ name: "use_seal_recognition", pipelines: ["structure"] }),
          option({ name: "use_magic_recognition", pipelines: ["structure"] }),
        ],
      }),
    );

    const pipelines = screen.getAllByRole("radio");
    expect(pipelines.map((radio) => radio.getAttribute("value"))).toEqual(["ocr", "structure"]);
    expect(screen.getByLabelText("Full structure: layout and tables")).toBeChecked();

    expect(checkboxNames()).toEqual([
      "use_doc_orientation_classify",
      "use_table_recognition",
      "use_seal_recognition",
      "use_magic_recognition",
    ]);
    expect(screen.getByLabelText("Detect rotated pages (0/90/180/270°)")).not.toBeChecked();
    expect(screen.getByLabelText("Recognise tables (rows and cells)")).toBeChecked();
    expect(screen.getByLabelText("Read seals and stamps")).not.toBeChecked();
    expect(screen.getByLabelText("use_magic_recognition")).not.toBeChecked();
    expect(screen.queryByText("Flatten curved or photographed pages")).not.toBeInTheDocument();

    await user.click(screen.getByLabelText("Text only (fast)"));
    expect(checkboxNames()).toEqual(["use_doc_orientation_classify"]);
  });

  it("sends only the options changed from the server's defaults, and only those the pipeline takes", async () => {
    FakeXhr.all = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
    const user = userEvent.setup();
    await renderPanel(configOf({ default_pipeline: "ocr" }));
    expect(screen.getByLabelText("Text only (fast)")).toBeChecked();

    await user.upload(screen.getByTestId("file-input"), new File(["a"], "a.png", { type: "image/png" }));
    expect(FakeXhr.all[0]!.form!.get("pipeline")).toBe("ocr");
    expect(sentOptions(FakeXhr.all[0]!)).toEqual({});

    await user.click(screen.getByLabelText("Full structure: layout and tables"));
    await user.click(screen.getByLabelText("Recognise tables (rows and cells)")); // off
    await user.click(screen.getByLabelText("Detect upside-down text lines")); // on
    await user.click(screen.getByLabelText("Detect rotated pages (0/90/180/270°)")); // off...
    await user.click(screen.getByLabelText("Detect rotated pages (0/90/180/270°)")); // ...and on again
    await user.upload(screen.getByTestId("file-input"), new File(["b"], "b.png", { type: "image/png" }));
    expect(FakeXhr.all[1]!.form!.get("pipeline")).toBe("structure");
    expect(sentOptions(FakeXhr.all[1]!)).toEqual({
      use_table_recognition: false,
      use_textline_orientation: true,
    });

    // Back to text only: table recognition is not the OCR pipeline's to take.
    await user.click(screen.getByLabelText("Text only (fast)"));
    FakeXhr.all[0]!.answer(201, { documents: [documentOf({ id: 1 })], rejected: [] });
    await user.upload(screen.getByTestId("file-input"), new File(["c"], "c.png", { type: "image/png" }));
    await waitFor(() => expect(FakeXhr.all).toHaveLength(3));
    expect(FakeXhr.all[2]!.form!.get("pipeline")).toBe("ocr");
    expect(sentOptions(FakeXhr.all[2]!)).toEqual({ use_textline_orientation: true });
  });

  it("says so while the options load, and offers no form when they fail", async () => {
    let answer: (reply: { status: number; body: unknown }) => void = () => {};
    mockApi({ "GET /api/config/": () => new Promise((resolve) => (answer = resolve)) });
    renderWithProviders(<UploadPanel />, "/upload");
    expect(await screen.findByText("Loading the recognition options…")).toBeInTheDocument();
    expect(screen.queryByTestId("file-input")).not.toBeInTheDocument();

    answer({ status: 500, body: { error: { code: "server_error", message: "It broke.", fields: {} } } });
    expect(
      await screen.findByText(
        "The recognition options could not be loaded, so files cannot be uploaded yet.",
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("It broke.");
    expect(screen.getByRole("button", { name: "Retry" })).toBeInTheDocument();
    expect(screen.queryByTestId("file-input")).not.toBeInTheDocument();
    expect(screen.queryByRole("radio")).not.toBeInTheDocument();
  });

  it("says so when no pipeline can run on the server", async () => {
    mockApi({
      "GET /api/config/": {
        body: configOf({
          pipelines: [{ name: "ocr", available: false, missing_models: ["PP-OCRv5_mobile_det"] }],
        }),
      },
    });
    renderWithProviders(<UploadPanel />, "/upload");
    expect(await screen.findByText(/its recognition models are not installed/)).toBeInTheDocument();
    expect(screen.queryByTestId("file-input")).not.toBeInTheDocument();
  });
});
