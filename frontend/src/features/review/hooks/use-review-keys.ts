// Review by keyboard: ←/→ (or PageUp/PageDown) turn pages, N jumps to the next uncertain line,
// Enter edits the selection, Esc lets go of it. Keys typed into a field are the field's.
import { useEffect, useRef } from "react";

export type ReviewKeys = {
  prevPage: () => void;
  nextPage: () => void;
  nextLow: () => void;
  edit: () => void;
  escape: () => void;
};

const isField = (el: EventTarget | null) =>
  el instanceof HTMLElement && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));

export function useReviewKeys(handlers: ReviewKeys): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey || isField(event.target)) return;
      const action = {
        ArrowLeft: ref.current.prevPage,
        PageUp: ref.current.prevPage,
        ArrowRight: ref.current.nextPage,
        PageDown: ref.current.nextPage,
        n: ref.current.nextLow,
        N: ref.current.nextLow,
        Enter: ref.current.edit,
        Escape: ref.current.escape,
      }[event.key];
      if (!action) return;
      // Enter on a focused button must still press the button.
      if (event.key === "Enter" && event.target instanceof HTMLButtonElement) return;
      event.preventDefault();
      action();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
}
