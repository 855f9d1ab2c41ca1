// The list's filters and page live in the URL, so a reload or the back button keeps them.
import { useMemo } from "react";
import { useSearchParams } from "react-router";

import { type ListQuery, STATUSES, type Status } from "../api/documents";

export function useListQuery(): [ListQuery, (change: Partial<ListQuery>) => void] {
  const [params, setParams] = useSearchParams();
  const query = useMemo<ListQuery>(() => {
    const status = params.get("status") as Status | null;
    const reviewed = params.get("reviewed");
    return {
      q: params.get("q") || undefined,
      status: status && STATUSES.includes(status) ? status : undefined,
      created_after: params.get("created_after") || undefined,
      created_before: params.get("created_before") || undefined,
      reviewed: reviewed === "true" ? true : reviewed === "false" ? false : undefined,
      page: Number(params.get("page")) > 1 ? Number(params.get("page")) : undefined,
    };
  }, [params]);

  const update = (change: Partial<ListQuery>) => {
    // Any new filter starts again from the first page.
    const next: ListQuery = { ...query, page: undefined, ...change };
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) {
      if (value !== undefined && value !== null && value !== "") search.set(key, String(value));
    }
    setParams(search, { replace: true });
  };
  return [query, update];
}
