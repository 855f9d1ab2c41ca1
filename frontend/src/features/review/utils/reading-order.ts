import type { Block, Line, PageDetail } from "../types";
import { groupLinesByBlock } from "./geometry";

export type ReadingOrder = { blocks: Block[]; byBlock: Map<number, Line[]>; loose: Line[] };

// Blocks in the layout's reading order, each with the lines inside it; lines outside any block
// (all of them for the text-only pipeline) follow in the engine's order.
export function readingOrder(page: PageDetail): ReadingOrder {
  const blocks = [...page.blocks].sort((a, b) => a.order - b.order);
  const lines = [...page.lines].sort((a, b) => a.order - b.order);
  return { blocks, ...groupLinesByBlock(blocks, lines) };
}

export function linesInReadingOrder({ blocks, byBlock, loose }: ReadingOrder): Line[] {
  return [...blocks.flatMap((b) => byBlock.get(b.id) ?? []), ...loose];
}

export const isLow = (line: Line, threshold: number) => line.score < threshold && line.corrected_text == null;

// The next uncertain line after `currentId` in reading order, wrapping round; null if none.
export function nextLowLine(order: Line[], threshold: number, currentId: number | null): Line | null {
  const low = order.filter((l) => isLow(l, threshold));
  if (!low.length) return null;
  const start = currentId === null ? -1 : order.findIndex((l) => l.id === currentId);
  return low.find((l) => order.indexOf(l) > start) ?? low[0]!;
}
