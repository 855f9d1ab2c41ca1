// A document under review, its pages, corrections and the "reviewed" marks.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { type Schemas, api, unwrap } from "@/lib/api-client";

import type { PageDetail } from "../types";

export type DocumentDetail = Schemas["DocumentDetail"];

const isActive = (status?: Schemas["StatusEnum"]) => status === "queued" || status === "running";
const POLL_MS = 2000;

export const documentKey = (id: number) => ["documents", "detail", id] as const;
export const pageKey = (id: number, number: number) => ["documents", "page", id, number] as const;

export function useDocument(id: number) {
  return useQuery({
    queryKey: documentKey(id),
    queryFn: () => unwrap(api.GET("/api/documents/{id}/", { params: { path: { id } } })),
    refetchInterval: (q) => (isActive(q.state.data?.status) ? POLL_MS : false),
  });
}

export function usePage(id: number, number: number, enabled: boolean) {
  return useQuery({
    queryKey: pageKey(id, number),
    queryFn: () =>
      unwrap(api.GET("/api/documents/{id}/pages/{number}/", { params: { path: { id, number } } })),
    enabled,
    // A page still in the queue gets its results when its worker is done.
    refetchInterval: (q) => (isActive(q.state.data?.status) ? POLL_MS : false),
  });
}

type Kind = Schemas["CorrectionKindEnum"];

async function patch(kind: Kind, id: number, text: string | null) {
  const options = { params: { path: { id } }, body: { text } };
  if (kind === "line") return { kind, item: await unwrap(api.PATCH("/api/lines/{id}/", options)) } as const;
  if (kind === "block") return { kind, item: await unwrap(api.PATCH("/api/blocks/{id}/", options)) } as const;
  return { kind, item: await unwrap(api.PATCH("/api/table-cells/{id}/", options)) } as const;
}

// Saves a correction and puts the server's answer into the cached page, so the screen shows
// exactly what was stored.
export function useCorrection(documentId: number, pageNumber: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id, text }: { kind: Kind; id: number; text: string | null }) =>
      patch(kind, id, text),
    onSuccess: (saved) => {
      queryClient.setQueryData<PageDetail>(pageKey(documentId, pageNumber), (page) => {
        if (!page) return page;
        if (saved.kind === "line") {
          return { ...page, lines: page.lines.map((l) => (l.id === saved.item.id ? saved.item : l)) };
        }
        if (saved.kind === "block") {
          return { ...page, blocks: page.blocks.map((b) => (b.id === saved.item.id ? saved.item : b)) };
        }
        const cell = saved.item;
        return {
          ...page,
          tables: page.tables.map((t) => ({
            ...t,
            cells: t.cells.map((c) => (c.id === cell.id ? cell : c)),
          })),
        };
      });
      // Search results and exports read the corrected text: the list must ask again; the
      // page asks again for its history of corrections.
      void queryClient.invalidateQueries({ queryKey: ["documents", "list"] });
      void queryClient.invalidateQueries({ queryKey: pageKey(documentId, pageNumber) });
    },
  });
}

// A correction that no result of the new run matched: put it on a result staff choose, or
// let it go. Either way the page (its texts and its history) is read again.
export function useUnplacedCorrection(documentId: number, pageNumber: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, target }: { id: number; target: number | null }) =>
      target === null
        ? unwrap(api.POST("/api/corrections/{id}/drop/", { params: { path: { id } } }))
        : unwrap(api.POST("/api/corrections/{id}/reapply/", { params: { path: { id } }, body: { target } })),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: pageKey(documentId, pageNumber) });
      void queryClient.invalidateQueries({ queryKey: ["documents", "list"] });
    },
  });
}

export function usePageReviewed(documentId: number, pageNumber: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reviewed: boolean) =>
      unwrap(
        api.POST("/api/documents/{id}/pages/{number}/reviewed/", {
          params: { path: { id: documentId, number: pageNumber } },
          body: { reviewed },
        }),
      ),
    onSuccess: (summary) => {
      queryClient.setQueryData<PageDetail>(pageKey(documentId, pageNumber), (page) =>
        page ? { ...page, reviewed: summary.reviewed } : page,
      );
      void queryClient.invalidateQueries({ queryKey: documentKey(documentId) });
    },
  });
}

export function useDocumentReviewed(documentId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (reviewed: boolean) =>
      unwrap(
        api.POST("/api/documents/{id}/reviewed/", {
          params: { path: { id: documentId } },
          body: { reviewed },
        }),
      ),
    onSuccess: (doc) => {
      queryClient.setQueryData(documentKey(documentId), doc);
      // Marking the document marks every page.
      void queryClient.invalidateQueries({ queryKey: ["documents", "page", documentId] });
      void queryClient.invalidateQueries({ queryKey: ["documents", "list"] });
    },
  });
}
