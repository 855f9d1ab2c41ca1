// Zoom (wheel, buttons) and pan (drag) of a stage inside a viewport, with "fit" and "reveal".
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

import type { Box } from "../utils/geometry";

export type View = { scale: number; x: number; y: number };

const MIN_SCALE = 0.05;
const MAX_SCALE = 8;
const clamp = (scale: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));

export function useZoomPan(
  viewport: RefObject<HTMLDivElement | null>,
  contentWidth: number,
  contentHeight: number,
) {
  const [view, setView] = useState<View>({ scale: 1, x: 0, y: 0 });
  // True while the last pointer gesture moved the stage, so its click does not select a box.
  const dragged = useRef(false);
  // Until the user zooms or pans, the page keeps fitting the viewport as the window resizes.
  const touched = useRef(false);

  const fit = useCallback(() => {
    const el = viewport.current;
    if (!el || !contentWidth || !contentHeight) return;
    const scale = clamp(Math.min(el.clientWidth / contentWidth, el.clientHeight / contentHeight));
    touched.current = false;
    setView({
      scale,
      x: (el.clientWidth - contentWidth * scale) / 2,
      y: (el.clientHeight - contentHeight * scale) / 2,
    });
  }, [viewport, contentWidth, contentHeight]);

  // Zoom keeping the point (px, py) of the viewport still; the viewport's centre by default.
  const zoomBy = useCallback(
    (factor: number, px?: number, py?: number) => {
      const el = viewport.current;
      const cx = px ?? (el ? el.clientWidth / 2 : 0);
      const cy = py ?? (el ? el.clientHeight / 2 : 0);
      touched.current = true;
      setView((v) => {
        const scale = clamp(v.scale * factor);
        const k = scale / v.scale;
        return { scale, x: cx - (cx - v.x) * k, y: cy - (cy - v.y) * k };
      });
    },
    [viewport],
  );

  // Bring a box into view (centred) unless it is already wholly visible.
  const reveal = useCallback(
    (box: Box) => {
      const el = viewport.current;
      if (!el) return;
      setView((v) => {
        const [x0, y0, x1, y1] = box;
        const left = x0 * v.scale + v.x;
        const top = y0 * v.scale + v.y;
        const right = x1 * v.scale + v.x;
        const bottom = y1 * v.scale + v.y;
        if (left >= 0 && top >= 0 && right <= el.clientWidth && bottom <= el.clientHeight) return v;
        return {
          scale: v.scale,
          x: el.clientWidth / 2 - ((x0 + x1) / 2) * v.scale,
          y: el.clientHeight / 2 - ((y0 + y1) / 2) * v.scale,
        };
      });
    },
    [viewport],
  );

  // A native, non-passive wheel listener: React's is passive and cannot stop the page scrolling.
  useEffect(() => {
    const el = viewport.current;
    if (!el) return;
    const onWheel = (event: WheelEvent) => {
      event.preventDefault();
      const rect = el.getBoundingClientRect();
      zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
    };
    el.addEventListener("wheel", onWheel, { passive: false });
    return () => el.removeEventListener("wheel", onWheel);
  }, [viewport, zoomBy]);

  useEffect(() => {
    const el = viewport.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(() => {
      if (!touched.current) fit();
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [viewport, fit]);

  const onPointerDown = useCallback((event: React.PointerEvent) => {
    if (event.button !== 0) return;
    const startX = event.clientX;
    const startY = event.clientY;
    let last = { x: startX, y: startY };
    dragged.current = false;
    const move = (e: PointerEvent) => {
      if (Math.abs(e.clientX - startX) + Math.abs(e.clientY - startY) > 4) dragged.current = true;
      const dx = e.clientX - last.x;
      const dy = e.clientY - last.y;
      last = { x: e.clientX, y: e.clientY };
      if (dragged.current) {
        touched.current = true;
        setView((v) => ({ ...v, x: v.x + dx, y: v.y + dy }));
      }
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  }, []);

  return { view, fit, zoomBy, reveal, onPointerDown, dragged };
}
