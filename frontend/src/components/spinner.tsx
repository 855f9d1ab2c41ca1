import { useI18n } from "@/lib/i18n";

export function Spinner({ label }: { label?: string }) {
  const { t } = useI18n();
  return (
    <div className="spinner" role="status" aria-live="polite">
      <span className="spinner-dot" aria-hidden="true" />
      <span>{label ?? t("app.loading")}</span>
    </div>
  );
}
