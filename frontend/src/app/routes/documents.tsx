// The documents list: filters, the table, actions and exports for the selected documents.
import { useEffect, useState } from "react";
import { Link } from "react-router";

import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { Pagination } from "@/components/pagination";
import { Spinner } from "@/components/spinner";
import { PAGE_SIZE, useDocuments } from "@/features/documents/api/documents";
import { BulkActions } from "@/features/documents/components/bulk-actions";
import { DocumentFilters } from "@/features/documents/components/document-filters";
import { DocumentsTable } from "@/features/documents/components/documents-table";
import { useListQuery } from "@/features/documents/hooks/use-list-query";
import { ExportMenu } from "@/features/exports/components/export-menu";
import { useI18n } from "@/lib/i18n";

export function DocumentsRoute() {
  const { t } = useI18n();
  const [query, setQuery] = useListQuery();
  const list = useDocuments(query);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const filtered = Boolean(
    query.q || query.status || query.created_after || query.created_before || query.reviewed != null,
  );

  // A selection belongs to the rows on screen.
  useEffect(() => setSelected(new Set()), [query]);

  const ids = [...selected];
  const page = query.page ?? 1;
  let body;
  if (list.isPending) body = <Spinner />;
  else if (!list.data) body = <ErrorState error={list.error} onRetry={() => void list.refetch()} />;
  else if (!list.data.results.length)
    body = (
      <EmptyState>
        {filtered ? (
          t("docs.noMatch")
        ) : (
          <>
            <p>{t("docs.empty")}</p>
            <Link to="/upload">{t("nav.upload")}</Link>
          </>
        )}
      </EmptyState>
    );
  else
    body = (
      <>
        {/* A failed refresh keeps the last figures on screen and says so. */}
        {list.isRefetchError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
        <DocumentsTable documents={list.data.results} selected={selected} onSelectedChange={setSelected} />
        <div className="pager">
          <span>{t("docs.total", { count: list.data.count })}</span>
        </div>
        <Pagination
          page={page}
          pages={Math.max(1, Math.ceil(list.data.count / PAGE_SIZE))}
          onPage={(p) => setQuery({ ...query, page: p > 1 ? p : undefined })}
        />
      </>
    );

  return (
    <section>
      <h1>{t("docs.title")}</h1>
      <DocumentFilters query={query} onChange={setQuery} />
      {ids.length > 0 && (
        <div className="bulkbar">
          <strong>{t("docs.selected", { count: ids.length })}</strong>
          <BulkActions
            ids={ids}
            onDone={(removed) => setSelected((s) => new Set([...s].filter((id) => !removed.includes(id))))}
          />
          <ExportMenu documentIds={ids} />
        </div>
      )}
      {body}
    </section>
  );
}
