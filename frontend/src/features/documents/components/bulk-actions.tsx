// Reprocess, cancel or delete the selected documents; says which could not be changed and why.
import { errorText } from "@/lib/error-text";
import { useI18n } from "@/lib/i18n";

import { useBulkAction } from "../api/documents";

export function BulkActions({ ids, onDone }: { ids: number[]; onDone: (removed: number[]) => void }) {
  const { t } = useI18n();
  const bulk = useBulkAction();
  const count = ids.length;

  const act = (action: "reprocess" | "cancel" | "delete") => {
    const question =
      action === "delete"
        ? t("docs.confirmDelete", { count })
        : action === "reprocess"
          ? t("docs.confirmReprocess", { count })
          : null;
    if (question && !window.confirm(question)) return;
    bulk.mutate({ action, ids }, { onSuccess: (result) => onDone(action === "delete" ? result.ok : []) });
  };

  const failed = bulk.data?.failed ?? [];
  return (
    <>
      <button type="button" disabled={!count || bulk.isPending} onClick={() => act("reprocess")}>
        {t("docs.reprocess")}
      </button>
      <button type="button" disabled={!count || bulk.isPending} onClick={() => act("cancel")}>
        {t("docs.cancel")}
      </button>
      <button
        type="button"
        className="danger"
        disabled={!count || bulk.isPending}
        onClick={() => act("delete")}
      >
        {t("docs.delete")}
      </button>
      {failed.length > 0 && (
        <span className="field-error" role="alert">
          {t("docs.actionFailed", { count: failed.length, reason: errorText(t, failed[0]!.error) })}
        </span>
      )}
    </>
  );
}
