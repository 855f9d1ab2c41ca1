import { describe, expect, it } from "vitest";

import { pageOf } from "@/testing/fixtures";

import { linesInReadingOrder, nextLowLine, readingOrder } from "./reading-order";

describe("reading order", () => {
  it("puts each line in the block it was saved with", () => {
    const order = readingOrder(pageOf());
    expect(order.blocks.map((b) => b.id)).toEqual([11, 12, 13]);
    expect(order.byBlock.get(11)!.map((l) => l.id)).toEqual([21]);
    expect(order.byBlock.get(12)!.map((l) => l.id)).toEqual([22, 23, 24]);
    expect(order.loose).toEqual([]);
  });

  it("keeps a line of no block after the blocks", () => {
    const page = pageOf();
    page.lines[0] = { ...page.lines[0]!, block: null };
    const order = readingOrder(page);
    expect(order.byBlock.get(11)).toEqual([]);
    expect(order.loose.map((l) => l.id)).toEqual([21]);
    expect(linesInReadingOrder(order).map((l) => l.id)).toEqual([22, 23, 24, 21]);
  });

  it("walks the uncertain lines in reading order and wraps round", () => {
    const lines = linesInReadingOrder(readingOrder(pageOf()));
    expect(nextLowLine(lines, 0.8, null)?.id).toBe(23);
    expect(nextLowLine(lines, 0.8, 23)?.id).toBe(24);
    expect(nextLowLine(lines, 0.8, 24)?.id).toBe(23);
    expect(nextLowLine(lines, 0.3, null)).toBeNull();
  });

  it("counts a corrected line as checked", () => {
    const page = pageOf();
    page.lines[2] = { ...page.lines[2]!, corrected_text: "Warehouse opens Monday" };
    expect(nextLowLine(linesInReadingOrder(readingOrder(page)), 0.8, null)?.id).toBe(24);
  });
});
