// The documents list and the actions on many documents at once.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { type Schemas, api, unwrap } from "@/lib/api-client";
import { type paths, statusEnumValues } from "@/lib/api-types";

export type Document = Schemas["Document"];
export type Status = Schemas["StatusEnum"];
export const STATUSES = statusEnumValues;

// The list's filters and its page, as the schema names them.
export type ListQuery = NonNullable<paths["/api/documents/"]["get"]["parameters"]["query"]>;

export const PAGE_SIZE = 25;
export const isActive = (doc: { status?: Status }) => doc.status === "queued" || doc.status === "running";

export function useDocuments(query: ListQuery) {
  return useQuery({
    queryKey: ["documents", "list", query],
    queryFn: () => unwrap(api.GET("/api/documents/", { params: { query } })),
    placeholderData: keepPreviousData,
    // While anything on screen is waiting or running, ask the server again for its figures.
    refetchInterval: (q) => (q.state.data?.results.some(isActive) ? 2000 : false),
  });
}

type Action = "reprocess" | "cancel" | "delete";

function runAction(action: Action, id: number): Promise<unknown> {
  const path = { params: { path: { id } } };
  if (action === "delete") return unwrap(api.DELETE("/api/documents/{id}/", path));
  if (action === "cancel") return unwrap(api.POST("/api/documents/{id}/cancel/", path));
  return unwrap(api.POST("/api/documents/{id}/reprocess/", { ...path, body: {} }));
}

export type BulkResult = { ok: number[]; failed: { id: number; error: unknown }[] };

// One request per document: one refusal (e.g. cancelling a finished one) spoils none of the rest.
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ action, ids }: { action: Action; ids: number[] }): Promise<BulkResult> => {
      const results = await Promise.allSettled(ids.map((id) => runAction(action, id)));
      const result: BulkResult = { ok: [], failed: [] };
      results.forEach((r, i) => {
        if (r.status === "fulfilled") result.ok.push(ids[i]!);
        else result.failed.push({ id: ids[i]!, error: r.reason });
      });
      return result;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["documents"] }),
  });
}
