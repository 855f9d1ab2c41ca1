import { UploadPanel } from "@/features/upload/components/upload-panel";
import { useI18n } from "@/lib/i18n";

export function UploadRoute() {
  const { t } = useI18n();
  return (
    <section>
      <h1>{t("upload.title")}</h1>
      <UploadPanel />
    </section>
  );
}
