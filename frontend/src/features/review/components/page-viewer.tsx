// The page image with its blocks and lines drawn over it; zoom with the wheel or buttons, drag to pan.
import { useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState } from "react";

import { useI18n } from "@/lib/i18n";

import { useZoomPan } from "../hooks/use-zoom-pan";
import type { PageDetail, Selection } from "../types";
import { type Box, asBox, asPolygon, blockColour, boxPolygon, svgPoints } from "../utils/geometry";
import { blockLabel } from "../utils/labels";
import { isLow } from "../utils/reading-order";

type Props = {
  page: PageDetail;
  selection: Selection;
  onSelect: (selection: Selection) => void;
  threshold: number;
};

export function pageSize(page: PageDetail): { width: number; height: number } {
  return {
    width: page.ocr_width ?? page.width ?? 1000,
    height: page.ocr_height ?? page.height ?? 1400,
  };
}

export function selectedBox(page: PageDetail, selection: Selection): Box | null {
  if (!selection) return null;
  if (selection.kind === "line") return asBox(page.lines.find((l) => l.id === selection.id)?.box);
  if (selection.kind === "block") return asBox(page.blocks.find((b) => b.id === selection.id)?.box);
  for (const table of page.tables) {
    const cell = table.cells.find((c) => c.id === selection.id);
    if (cell) return asBox(cell.box) ?? asBox(table.box);
  }
  return null;
}

export function PageViewer({ page, selection, onSelect, threshold }: Props) {
  const { t } = useI18n();
  const viewport = useRef<HTMLDivElement>(null);
  const { width, height } = pageSize(page);
  const { view, fit, zoomBy, reveal, onPointerDown, dragged } = useZoomPan(viewport, width, height);
  const [showBlocks, setShowBlocks] = useState(true);
  const [showLines, setShowLines] = useState(true);

  useLayoutEffect(fit, [fit, page.number]);

  const focus = selectedBox(page, selection);
  const focusKey = focus?.join(",");
  // Only when the selected box changes: a zoom or pan must not snap back to it.
  const revealFocus = useEffectEvent(() => {
    if (focus) reveal(focus);
  });
  useEffect(() => revealFocus(), [focusKey]);

  const select = (next: Selection) => {
    if (!dragged.current) onSelect(next);
  };

  // The stored image is the page before orientation correction; the boxes are after it. The
  // engine turned the image `angle` degrees counter-clockwise, so the picture is turned likewise.
  const imageTransform = useMemo(() => {
    const w = page.width ?? width;
    const h = page.height ?? height;
    if (!page.angle) return undefined;
    return `translate(${width / 2} ${height / 2}) rotate(${-page.angle}) translate(${-w / 2} ${-h / 2})`;
  }, [page.angle, page.width, page.height, width, height]);

  const stroke = Math.max(1, 1.5 / view.scale);

  return (
    <div className="viewer">
      <div className="viewer-toolbar" role="toolbar">
        <button type="button" onClick={() => zoomBy(1 / 1.25)} aria-label={t("review.zoomOut")}>
          −
        </button>
        <span className="viewer-zoom">{Math.round(view.scale * 100)}%</span>
        <button type="button" onClick={() => zoomBy(1.25)} aria-label={t("review.zoomIn")}>
          +
        </button>
        <button type="button" onClick={fit}>
          {t("review.fit")}
        </button>
        <label>
          <input type="checkbox" checked={showBlocks} onChange={(e) => setShowBlocks(e.target.checked)} />
          {t("review.showBlocks")}
        </label>
        <label>
          <input type="checkbox" checked={showLines} onChange={(e) => setShowLines(e.target.checked)} />
          {t("review.showLines")}
        </label>
        {page.flattened && (
          <span className="viewer-note" title={t("review.flattened.hint")}>
            {t("review.flattened")}
          </span>
        )}
      </div>
      <div
        className="viewer-viewport"
        ref={viewport}
        onPointerDown={onPointerDown}
        data-testid="page-viewport"
      >
        <svg
          className="viewer-stage"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          style={{ transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})` }}
        >
          {page.image_url && (
            <image
              href={page.image_url}
              width={page.width ?? width}
              height={page.height ?? height}
              transform={imageTransform}
              onClick={() => select(null)}
            />
          )}
          {showBlocks &&
            page.blocks.map((block) => {
              const polygon = asPolygon(block.polygon) ?? boxPolygon(asBox(block.box) ?? [0, 0, 0, 0]);
              const colour = blockColour(block.label);
              const selected = selection?.kind === "block" && selection.id === block.id;
              return (
                <polygon
                  key={`b${block.id}`}
                  className={`shape shape-block${selected ? " is-selected" : ""}`}
                  data-block-id={block.id}
                  points={svgPoints(polygon)}
                  stroke={colour}
                  fill={colour}
                  fillOpacity={selected ? 0.22 : 0.06}
                  strokeWidth={selected ? stroke * 2.5 : stroke * 1.5}
                  onClick={() => select({ kind: "block", id: block.id })}
                >
                  <title>{blockLabel(t, block.label)}</title>
                </polygon>
              );
            })}
          {showLines &&
            page.lines.map((line) => {
              const polygon = asPolygon(line.polygon) ?? boxPolygon(asBox(line.box) ?? [0, 0, 0, 0]);
              const low = isLow(line, threshold);
              const selected = selection?.kind === "line" && selection.id === line.id;
              return (
                <polygon
                  key={`l${line.id}`}
                  className={`shape shape-line${low ? " is-low" : ""}${selected ? " is-selected" : ""}`}
                  data-line-id={line.id}
                  points={svgPoints(polygon)}
                  strokeWidth={selected ? stroke * 2.5 : stroke}
                  onClick={() => select({ kind: "line", id: line.id })}
                >
                  <title>{line.corrected_text ?? line.text}</title>
                </polygon>
              );
            })}
          {selection?.kind === "cell" && focus && (
            <polygon
              className="shape shape-cell is-selected"
              points={svgPoints(boxPolygon(focus))}
              strokeWidth={stroke * 2.5}
            />
          )}
        </svg>
      </div>
    </div>
  );
}
