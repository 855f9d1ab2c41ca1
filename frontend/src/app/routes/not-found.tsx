import { Link } from "react-router";

import { EmptyState } from "@/components/empty-state";
import { useI18n } from "@/lib/i18n";

export function NotFoundRoute() {
  const { t } = useI18n();
  return (
    <EmptyState>
      <p>{t("app.notFound")}</p>
      <Link to="/documents">{t("app.backHome")}</Link>
    </EmptyState>
  );
}
