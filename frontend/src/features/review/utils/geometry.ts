// Boxes are [x0, y0, x1, y1] and polygons [[x, y], ...] in the page's OCR pixel coordinates.
export type Box = readonly [number, number, number, number];
export type Polygon = readonly (readonly [number, number])[];

export function asBox(value: unknown): Box | null {
  if (Array.isArray(value) && value.length === 4 && value.every((n) => typeof n === "number")) {
    return value as unknown as Box;
  }
  return null;
}

export function asPolygon(value: unknown): Polygon | null {
  if (
    Array.isArray(value) &&
    value.length >= 3 &&
    value.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => typeof n === "number"))
  ) {
    return value as Polygon;
  }
  return null;
}

export function boxPolygon(box: Box): Polygon {
  const [x0, y0, x1, y1] = box;
  return [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
  ];
}

export function svgPoints(polygon: Polygon): string {
  return polygon.map(([x, y]) => `${x},${y}`).join(" ");
}

// One colour per kind of layout block, so the page reads at a glance.
const BLOCK_COLOURS: Record<string, string> = {
  doc_title: "#d7263d",
  paragraph_title: "#f46036",
  text: "#2e86de",
  content: "#2e86de",
  abstract: "#2e86de",
  table: "#1b998b",
  table_title: "#0f7a6d",
  image: "#9b5de5",
  figure: "#9b5de5",
  chart: "#9b5de5",
  figure_title: "#7b2cbf",
  header: "#8d99ae",
  footer: "#8d99ae",
  number: "#8d99ae",
  footnote: "#6c757d",
  formula: "#c9184a",
  seal: "#e63946",
};

export function blockColour(label: string): string {
  return BLOCK_COLOURS[label] ?? "#e09f3e";
}
