// What the review screen works on, as the API returns it.
export type Line = {
  id: number;
  order: number;
  text: string;
  corrected_text: string | null;
  score: number;
  box: unknown;
  polygon: unknown;
};

export type Block = {
  id: number;
  order: number;
  label: string;
  box: unknown;
  polygon: unknown;
  content: string;
  corrected_content: string | null;
};

export type TableCell = {
  id: number;
  row: number;
  col: number;
  rowspan: number;
  colspan: number;
  text: string;
  corrected_text: string | null;
  box: unknown;
};

export type Table = {
  id: number;
  block: number | null;
  order: number;
  box: unknown;
  cells: TableCell[];
};

export type PageDetail = {
  number: number;
  status: string;
  error: string;
  image: string | null;
  width: number | null;
  height: number | null;
  ocr_width: number | null;
  ocr_height: number | null;
  angle: number;
  reviewed: boolean;
  blocks: Block[];
  lines: Line[];
  tables: Table[];
};

export type Selection = { kind: "line" | "block" | "cell"; id: number } | null;
