import { useEffect, useEffectEvent, useState } from "react";

import { useI18n } from "@/lib/i18n";

import { type ListQuery, STATUSES } from "../api/documents";

export function DocumentFilters({
  query,
  onChange,
}: {
  query: ListQuery;
  onChange: (c: Partial<ListQuery>) => void;
}) {
  const { t } = useI18n();
  const [text, setText] = useState(query.q ?? "");

  // Search as the user types, once they pause. Only typing starts the timer: a changed URL
  // (back button, another filter) must not send the old text again.
  const search = useEffectEvent((value: string) => {
    if (value !== (query.q ?? "")) onChange({ q: value || undefined });
  });
  useEffect(() => {
    const timer = setTimeout(() => search(text), 350);
    return () => clearTimeout(timer);
  }, [text]);

  return (
    <form
      className="toolbar"
      role="search"
      onSubmit={(e) => (e.preventDefault(), onChange({ q: text || undefined }))}
    >
      <label className="search">
        {t("docs.search")}
        <input
          type="search"
          name="q"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t("docs.search")}
        />
      </label>
      <label>
        {t("docs.filter.status")}
        <select
          name="status"
          value={query.status ?? ""}
          onChange={(e) => onChange({ status: (e.target.value || undefined) as ListQuery["status"] })}
        >
          <option value="">{t("docs.filter.all")}</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("docs.filter.reviewed")}
        <select
          name="reviewed"
          value={query.reviewed === undefined || query.reviewed === null ? "" : String(query.reviewed)}
          onChange={(e) =>
            onChange({ reviewed: e.target.value === "" ? undefined : e.target.value === "true" })
          }
        >
          <option value="">{t("docs.filter.all")}</option>
          <option value="true">{t("docs.filter.reviewedYes")}</option>
          <option value="false">{t("docs.filter.reviewedNo")}</option>
        </select>
      </label>
      <label>
        {t("docs.filter.from")}
        <input
          type="date"
          name="created_after"
          value={query.created_after ?? ""}
          onChange={(e) => onChange({ created_after: e.target.value || undefined })}
        />
      </label>
      <label>
        {t("docs.filter.to")}
        <input
          type="date"
          name="created_before"
          value={query.created_before ?? ""}
          onChange={(e) => onChange({ created_before: e.target.value || undefined })}
        />
      </label>
    </form>
  );
}
