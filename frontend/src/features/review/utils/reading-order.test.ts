import { describe, expect, it } from "vitest";

import { pageOf } from "@/testing/fixtures";

import { linesInReadingOrder, nextLowLine, readingOrder } from "./reading-order";

describe("reading order", () => {
  it("puts each line in the block that holds its centre", () => {
    const order = readingOrder(pageOf());
    expect(order.blocks.map((b) => b.id)).toEqual([11, 12, 13]);
    expect(order.byBlock.get(11)!.map((l) => l.id)).toEqual([21]);
    expect(order.byBlock.get(12)!.map((l) => l.id)).toEqual([22, 23, 24]);
    expect(order.loose).toEqual([]);
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
