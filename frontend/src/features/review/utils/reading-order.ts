import type { Block, Line, PageDetail } from "../types";

export type ReadingOrder = { blocks: Block[]; byBlock: Map<number, Line[]>; loose: Line[] };

// Blocks in the layout's reading order, each with the lines inside it (the block each line was
// saved with, as the exports group them); lines outside any block (all of them for the
// text-only pipeline) follow in the engine's order.
export function readingOrder(page: PageDetail): ReadingOrder {
  const blocks = [...page.blocks].sort((a, b) => a.order - b.order);
  const byBlock = new Map<number, Line[]>(blocks.map((b) => [b.id, []]));
  const loose: Line[] = [];
  for (const line of [...page.lines].sort((a, b) => a.order - b.order)) {
    const inBlock = line.block === null ? undefined : byBlock.get(line.block);
    if (inBlock) inBlock.push(line);
    else loose.push(line);
  }
  return { blocks, byBlock, loose };
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
