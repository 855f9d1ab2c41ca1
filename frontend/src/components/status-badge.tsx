import type { Schemas } from "@/lib/api-client";
import { useI18n } from "@/lib/i18n";

export function StatusBadge({ status }: { status: Schemas["StatusEnum"] }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
