import { type MessageKey, useI18n } from "@/lib/i18n";

const KNOWN = new Set(["queued", "running", "done", "failed", "cancelled"]);

export function StatusBadge({ status }: { status: string }) {
  const { t } = useI18n();
  const label = KNOWN.has(status) ? t(`status.${status}` as MessageKey) : status;
  return <span className={`badge badge-${status}`}>{label}</span>;
}
