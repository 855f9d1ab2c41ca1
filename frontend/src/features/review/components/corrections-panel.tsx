// The page's corrections: the ones a new run could not place (to re-apply or drop) and the
// history of every edit, with who made it and when.
import { ErrorState } from "@/components/error-state";
import { formatDateTime, useI18n } from "@/lib/i18n";

import { useUnplacedCorrection } from "../api/review";
import type { Correction, PageDetail, Selection } from "../types";

type Props = {
  documentId: number;
  page: PageDetail;
  selection: Selection;
  onSelect: (selection: Selection) => void;
};

const kindKey = (c: Correction) => `review.kind.${c.kind}` as const;

export function CorrectionsPanel({ documentId, page, selection, onSelect }: Props) {
  const { t, lang } = useI18n();
  const unplacedAction = useUnplacedCorrection(documentId, page.number);
  const corrections = page.corrections ?? [];
  const unplaced = corrections.filter((c) => c.state === "unplaced");
  if (!corrections.length) return null;

  return (
    <section className="corrections" aria-label={t("review.corrections")}>
      {unplaced.length > 0 && (
        <div className="unplaced" role="region" aria-label={t("review.unplaced", { count: unplaced.length })}>
          <h3>{t("review.unplaced", { count: unplaced.length })}</h3>
          <p className="hint">{t("review.unplacedHint")}</p>
          <ul>
            {unplaced.map((c) => {
              const target = selection?.kind === c.kind ? selection.id : null;
              return (
                <li key={c.id}>
                  <span className="kind">{t(kindKey(c))}</span> <del>{c.engine_text}</del> →{" "}
                  <ins>{c.after}</ins>
                  <span className="actions">
                    <button
                      type="button"
                      disabled={target === null || unplacedAction.isPending}
                      title={target === null ? t("review.reapplyHint", { kind: t(kindKey(c)) }) : undefined}
                      onClick={() => unplacedAction.mutate({ id: c.id, target })}
                    >
                      {t("review.reapply", { kind: t(kindKey(c)) })}
                    </button>
                    <button
                      type="button"
                      disabled={unplacedAction.isPending}
                      onClick={() => unplacedAction.mutate({ id: c.id, target: null })}
                    >
                      {t("review.drop")}
                    </button>
                  </span>
                </li>
              );
            })}
          </ul>
          {unplacedAction.isError && <ErrorState error={unplacedAction.error} />}
        </div>
      )}
      <details className="history">
        <summary>{t("review.history", { count: corrections.length })}</summary>
        <ol>
          {corrections.map((c) => {
            const on = c.line
              ? { kind: "line" as const, id: c.line }
              : c.block
                ? { kind: "block" as const, id: c.block }
                : c.cell
                  ? { kind: "cell" as const, id: c.cell }
                  : null;
            return (
              <li key={c.id} data-state={c.state}>
                <button type="button" className="link" disabled={!on} onClick={() => on && onSelect(on)}>
                  {t(kindKey(c))}
                </button>{" "}
                <del>{c.before}</del> → <ins>{c.after}</ins>
                <small>
                  {" "}
                  {t("review.byWhen", {
                    user: c.user ?? "—",
                    when: formatDateTime(lang, c.created_at),
                  })}{" "}
                  · {t(`review.state.${c.state ?? "applied"}`)}
                </small>
              </li>
            );
          })}
        </ol>
      </details>
    </section>
  );
}
