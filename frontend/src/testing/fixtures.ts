// API-shaped objects for component tests (shapes from the generated schema).
import type { Schemas } from "@/lib/api-client";

export const alice: Schemas["User"] = { id: 1, username: "alice", full_name: "", is_staff: false };

export function documentOf(overrides: Partial<Schemas["Document"]> = {}): Schemas["Document"] {
  return {
    id: 7,
    name: "report.pdf",
    status: "done",
    error: "",
    pages_total: 2,
    pages_done: 2,
    pages_failed: 0,
    queue_position: null,
    file_type: "pdf",
    mime_type: "application/pdf",
    size: 1000,
    page_count: 2,
    sha256: "0".repeat(64),
    owner: "alice",
    owner_id: 1,
    reviewed: false,
    reviewed_at: null,
    created_at: "2025-03-01T10:00:00Z",
    updated_at: "2025-03-01T10:01:00Z",
    original_url: "/api/documents/7/original/",
    run: null,
    ...overrides,
  };
}

export function detailOf(overrides: Partial<Schemas["DocumentDetail"]> = {}): Schemas["DocumentDetail"] {
  const doc = documentOf(overrides);
  return {
    ...doc,
    pages: [1, 2].map((number) => ({
      id: number,
      number,
      status: "done" as const,
      error: "",
      width: 1000,
      height: 1400,
      dpi: null,
      reviewed: false,
      image_url: `/api/documents/${doc.id}/pages/${number}/image/`,
    })),
    ...overrides,
  };
}

const line = (
  id: number,
  block: number | null,
  order: number,
  text: string,
  score: number,
  y: number,
): Schemas["Line"] => ({
  id,
  block,
  order,
  text,
  corrected_text: null,
  effective_text: text,
  score,
  box: [100, y, 600, y + 40],
  polygon: [
    [100, y],
    [600, y],
    [600, y + 40],
    [100, y + 40],
  ],
});

export function pageOf(number = 1): Schemas["PageDetail"] {
  return {
    id: number,
    number,
    status: "done",
    error: "",
    width: 1000,
    height: 1400,
    dpi: null,
    reviewed: false,
    image_url: `/api/documents/7/pages/${number}/image/`,
    document_id: 7,
    ocr_width: 1000,
    ocr_height: 1400,
    angle: 0,
    attempts: 1,
    timings: {},
    markdown: "",
    blocks: [
      {
        id: 11,
        order: 0,
        label: "doc_title",
        box: [80, 80, 700, 140],
        polygon: [],
        content: "Quarterly report",
        corrected_content: null,
        effective_content: "Quarterly report",
      },
      {
        id: 12,
        order: 1,
        label: "text",
        box: [80, 180, 700, 400],
        polygon: [],
        content: "",
        corrected_content: null,
        effective_content: "",
      },
      {
        id: 13,
        order: 2,
        label: "table",
        box: [80, 500, 700, 700],
        polygon: [],
        content: "",
        corrected_content: null,
        effective_content: "",
      },
    ],
    lines: [
      line(21, 11, 0, "Quarterly report", 0.99, 90),
      line(22, 12, 1, "Revenue grew by 12 percent", 0.97, 200),
      line(23, 12, 2, "Warehuose opens Monday", 0.42, 260),
      line(24, 12, 3, "lnvoice 48213 overdue", 0.55, 320),
    ],
    tables: [
      {
        id: 31,
        order: 0,
        block_id: 13,
        html: "<table></table>",
        box: [80, 500, 700, 700],
        cells: [
          {
            id: 41,
            row: 0,
            col: 0,
            rowspan: 1,
            colspan: 1,
            text: "Item",
            corrected_text: null,
            effective_text: "Item",
            box: [80, 500, 380, 600],
          },
          {
            id: 42,
            row: 0,
            col: 1,
            rowspan: 1,
            colspan: 1,
            text: "Price",
            corrected_text: null,
            effective_text: "Price",
            box: [380, 500, 700, 600],
          },
          {
            id: 43,
            row: 1,
            col: 0,
            rowspan: 1,
            colspan: 2,
            text: "Paper 4.50",
            corrected_text: null,
            effective_text: "Paper 4.50",
            box: null,
          },
        ],
      },
    ],
    corrections: [],
  };
}
