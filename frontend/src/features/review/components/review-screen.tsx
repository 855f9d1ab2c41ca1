// The review screen: thumbnails, the page with its boxes, and the text to check and correct.
import { type ReactNode, useMemo, useState } from "react";
import { Link } from "react-router";

import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { ProgressBar } from "@/components/progress-bar";
import { Spinner } from "@/components/spinner";
import { StatusBadge } from "@/components/status-badge";
import { useI18n } from "@/lib/i18n";

import { useCorrection, useDocument, useDocumentReviewed, usePage, usePageReviewed } from "../api/review";
import { useReviewKeys } from "../hooks/use-review-keys";
import type { PageDetail, Selection } from "../types";
import { isLow, linesInReadingOrder, nextLowLine, readingOrder } from "../utils/reading-order";
import { CorrectionsPanel } from "./corrections-panel";
import { PageViewer } from "./page-viewer";
import { type Savers, TextPanel } from "./text-panel";
import { Thumbnails } from "./thumbnails";

type Props = {
  documentId: number;
  pageNumber: number;
  onPageChange: (page: number) => void;
  // Composed in by the route (exports live in their own feature).
  actions?: (name: string) => ReactNode;
};

const THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9, 0.95];

export function ReviewScreen({ documentId, pageNumber, onPageChange, actions }: Props) {
  const { t } = useI18n();
  const doc = useDocument(documentId);
  const pages = doc.data?.pages ?? [];
  const pageExists = pages.some((p) => p.number === pageNumber);
  const page = usePage(documentId, pageNumber, pageExists);
  const docReviewed = useDocumentReviewed(documentId);

  const turn = (delta: number) => {
    const next = pageNumber + delta;
    if (pages.some((p) => p.number === next)) onPageChange(next);
  };

  if (doc.isPending) return <Spinner />;
  if (doc.isError) {
    return (
      <div className="review-state">
        <ErrorState error={doc.error} onRetry={() => void doc.refetch()} />
        <Link to="/documents">{t("app.backHome")}</Link>
      </div>
    );
  }
  const d = doc.data;
  const active = d.status === "queued" || d.status === "running";

  return (
    <div className="review">
      <div className="review-head">
        <Link to="/documents">← {t("nav.documents")}</Link>
        <h1>{d.name}</h1>
        <StatusBadge status={d.status ?? "queued"} />
        {active && (
          <span className="review-progress">
            <ProgressBar
              value={d.pages_done}
              max={d.pages_total}
              label={t("review.progress", { done: d.pages_done, count: d.pages_total })}
            />
            {t("review.progress", { done: d.pages_done, count: d.pages_total })}
            {d.queue_position != null && <> · {t("docs.queuePosition", { position: d.queue_position })}</>}
          </span>
        )}
        {d.status === "failed" && d.error && (
          <span className="field-error" role="alert">
            {t("review.docFailed", { reason: d.error })}
          </span>
        )}
        <button
          type="button"
          aria-pressed={!!d.reviewed}
          disabled={docReviewed.isPending}
          onClick={() => docReviewed.mutate(!d.reviewed)}
        >
          {d.reviewed ? t("review.unmarkDoc") : t("review.markDoc")}
        </button>
        {docReviewed.isError && <ErrorState error={docReviewed.error} />}
        {actions?.(d.name)}
      </div>
      {!pageExists ? (
        <EmptyState>
          <p>{t("app.notFound")}</p>
          {pages.length > 0 && (
            <button type="button" onClick={() => onPageChange(1)}>
              {t("review.page", { number: 1 })}
            </button>
          )}
        </EmptyState>
      ) : (
        <div className="review-body">
          <Thumbnails pages={pages} current={pageNumber} onPick={onPageChange} />
          {page.isPending ? (
            <Spinner />
          ) : page.isError ? (
            <ErrorState error={page.error} onRetry={() => void page.refetch()} />
          ) : (
            <PageReview
              key={`${documentId}-${pageNumber}`}
              documentId={documentId}
              page={page.data}
              onTurn={turn}
              hasPrev={pages.some((p) => p.number === pageNumber - 1)}
              hasNext={pages.some((p) => p.number === pageNumber + 1)}
            />
          )}
        </div>
      )}
    </div>
  );
}

type PageReviewProps = {
  documentId: number;
  page: PageDetail;
  onTurn: (delta: number) => void;
  hasPrev: boolean;
  hasNext: boolean;
};

// One page under review; remounted per page, so selection and edits start afresh.
function PageReview({ documentId, page, onTurn, hasPrev, hasNext }: PageReviewProps) {
  const { t } = useI18n();
  const [selection, setSelection] = useState<Selection>(null);
  const [editing, setEditing] = useState<Selection>(null);
  const [threshold, setThreshold] = useState(0.8);
  const order = useMemo(() => readingOrder(page), [page]);
  const lines = useMemo(() => linesInReadingOrder(order), [order]);
  const lowCount = lines.filter((l) => isLow(l, threshold)).length;
  const correction = useCorrection(documentId, page.number);
  const reviewed = usePageReviewed(documentId, page.number);

  const save: Savers = {
    line: (id, text) => correction.mutateAsync({ kind: "line", id, text }),
    block: (id, text) => correction.mutateAsync({ kind: "block", id, text }),
    cell: (id, text) => correction.mutateAsync({ kind: "cell", id, text }),
  };

  // Selecting something else (on the image, in the text) closes an edit elsewhere.
  const select = (next: Selection) => {
    setSelection(next);
    if (editing && (editing.kind !== next?.kind || editing.id !== next.id)) setEditing(null);
  };

  const jumpToNextLow = () => {
    const current = selection?.kind === "line" ? selection.id : null;
    const next = nextLowLine(lines, threshold, current);
    if (next) {
      setEditing(null);
      setSelection({ kind: "line", id: next.id });
    }
  };

  useReviewKeys({
    prevPage: () => onTurn(-1),
    nextPage: () => onTurn(1),
    nextLow: jumpToNextLow,
    edit: () => selection && setEditing(selection),
    escape: () => (editing ? setEditing(null) : setSelection(null)),
  });

  const notReady = page.status !== "done";
  return (
    <>
      {page.image_url ? (
        <PageViewer page={page} selection={selection} onSelect={select} threshold={threshold} />
      ) : (
        <div className="viewer">
          <Spinner label={t("review.pageNotReady", { status: t(`status.${page.status ?? "queued"}`) })} />
        </div>
      )}
      <aside className="side">
        <div className="side-head">
          <button
            type="button"
            onClick={() => onTurn(-1)}
            disabled={!hasPrev}
            aria-label={t("review.prevPage")}
          >
            ‹
          </button>
          <strong>{t("review.page", { number: page.number })}</strong>
          <button
            type="button"
            onClick={() => onTurn(1)}
            disabled={!hasNext}
            aria-label={t("review.nextPage")}
          >
            ›
          </button>
          <button
            type="button"
            aria-pressed={!!page.reviewed}
            disabled={reviewed.isPending || notReady}
            onClick={() => reviewed.mutate(!page.reviewed)}
          >
            {page.reviewed ? t("review.unmarkPage") : t("review.markPage")}
          </button>
          <span className={lowCount ? "low-count has-low" : "low-count"}>
            {t("review.lowConfidence", { count: lowCount, threshold: Math.round(threshold * 100) })}
          </span>
          <button type="button" onClick={jumpToNextLow} disabled={!lowCount} title="N">
            {t("review.nextLow")} (N)
          </button>
          <label>
            {t("review.threshold")}{" "}
            <select value={threshold} onChange={(e) => setThreshold(Number(e.target.value))}>
              {THRESHOLDS.map((value) => (
                <option key={value} value={value}>
                  {Math.round(value * 100)}%
                </option>
              ))}
            </select>
          </label>
          <span className="keys">{t("review.keys")}</span>
        </div>
        {reviewed.isError && <ErrorState error={reviewed.error} />}
        {page.status === "failed" ? (
          <ErrorState error={new Error(t("review.pageFailed", { reason: page.error ?? "" }))} />
        ) : notReady ? (
          <Spinner label={t("review.pageNotReady", { status: t(`status.${page.status ?? "queued"}`) })} />
        ) : (
          <TextPanel
            page={page}
            order={order}
            selection={selection}
            editing={editing}
            threshold={threshold}
            onSelect={select}
            onEditingChange={setEditing}
            save={save}
          />
        )}
        <CorrectionsPanel documentId={documentId} page={page} selection={selection} onSelect={select} />
      </aside>
    </>
  );
}
