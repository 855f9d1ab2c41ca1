import { useParams, useSearchParams } from "react-router";

import { ExportMenu } from "@/features/exports/components/export-menu";
import { ReviewScreen } from "@/features/review/components/review-screen";

import { NotFoundRoute } from "./not-found";

export function ReviewRoute() {
  const { id } = useParams();
  const [params, setParams] = useSearchParams();
  const documentId = Number(id);
  const page = Math.max(1, Number(params.get("page")) || 1);
  if (!Number.isInteger(documentId) || documentId <= 0) return <NotFoundRoute />;
  return (
    <ReviewScreen
      documentId={documentId}
      pageNumber={page}
      onPageChange={(next) => setParams({ page: String(next) }, { replace: true })}
      actions={(name) => <ExportMenu documentIds={[documentId]} name={name.replace(/\.[^.]+$/, "")} />}
    />
  );
}
