// Where a document is: pages done of total, its place in the queue, or why it failed.
import { ProgressBar } from "@/components/progress-bar";
import { useI18n } from "@/lib/i18n";

import type { Document } from "../api/documents";

export function DocumentProgress({ doc }: { doc: Document }) {
  const { t } = useI18n();
  const label = t("docs.pagesDone", { done: doc.pages_done, count: doc.pages_total });
  const tone = doc.status === "failed" ? "failed" : doc.status === "done" ? "done" : "normal";
  return (
    <div className="doc-progress">
      <ProgressBar value={doc.pages_done} max={doc.pages_total} label={label} tone={tone} />
      <div className="doc-sub">{label}</div>
      {doc.queue_position != null && (
        <div className="doc-sub">{t("docs.queuePosition", { position: doc.queue_position })}</div>
      )}
      {doc.status === "failed" && doc.error && (
        <div className="doc-error" role="note">
          {t("docs.failedBecause", { reason: doc.error })}
        </div>
      )}
    </div>
  );
}
