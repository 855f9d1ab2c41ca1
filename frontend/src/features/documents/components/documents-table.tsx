import { Link } from "react-router";

import { StatusBadge } from "@/components/status-badge";
import { formatDateTime, useI18n } from "@/lib/i18n";

import type { Document } from "../api/documents";
import { DocumentProgress } from "./document-progress";

type Props = {
  documents: Document[];
  selected: ReadonlySet<number>;
  onSelectedChange: (selected: Set<number>) => void;
};

export function DocumentsTable({ documents, selected, onSelectedChange }: Props) {
  const { t, lang } = useI18n();
  const allSelected = documents.length > 0 && documents.every((d) => selected.has(d.id));
  const toggle = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    onSelectedChange(next);
  };
  return (
    <table className="doc-table">
      <thead>
        <tr>
          <th className="col-check">
            <input
              type="checkbox"
              aria-label={t("docs.selectAll")}
              checked={allSelected}
              onChange={(e) => onSelectedChange(new Set(e.target.checked ? documents.map((d) => d.id) : []))}
            />
          </th>
          <th>{t("docs.col.name")}</th>
          <th>{t("docs.col.status")}</th>
          <th>{t("docs.col.progress")}</th>
          <th>{t("docs.col.uploaded")}</th>
          <th>{t("docs.col.owner")}</th>
        </tr>
      </thead>
      <tbody>
        {documents.map((doc) => (
          <tr
            key={doc.id}
            className={selected.has(doc.id) ? "is-selected" : undefined}
            data-testid="document-row"
          >
            <td>
              <input
                type="checkbox"
                aria-label={t("docs.select", { name: doc.name })}
                checked={selected.has(doc.id)}
                onChange={(e) => toggle(doc.id, e.target.checked)}
              />
            </td>
            <td className="doc-name">
              <Link to={`/documents/${doc.id}`}>{doc.name}</Link>
              <div className="doc-sub">
                {doc.file_type.toUpperCase()} · {t("docs.pageCount", { count: doc.page_count })}
                {doc.reviewed && <> · ✓ {t("docs.reviewed")}</>}
              </div>
            </td>
            <td>
              <StatusBadge status={doc.status ?? "queued"} />
            </td>
            <td>
              <DocumentProgress doc={doc} />
            </td>
            <td>{formatDateTime(lang, doc.created_at)}</td>
            <td>{doc.owner}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
