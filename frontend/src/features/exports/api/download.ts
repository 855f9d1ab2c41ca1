// Exports are files: fetched with the session, then handed to the browser as a download, so a
// refusal (not found, not finished) is shown as a message instead of a broken page.
import { errorFromResponse } from "@/lib/api-error";
import { requestHeaders } from "@/lib/api-client";
import type { paths } from "@/lib/api-types";

export type Format = paths["/api/documents/{id}/export/"]["get"]["parameters"]["query"]["format"];
// Every format the API offers, in the order the menu shows them.
export const FORMATS: readonly Format[] = ["txt", "md", "json", "pdf", "docx", "xlsx", "csv"];

export function exportUrl(documentId: number, format: Format): string {
  return `/api/documents/${documentId}/export/?format=${format}`;
}

export function zipUrl(documentIds: readonly number[], formats: readonly Format[]): string {
  const query = new URLSearchParams({ ids: documentIds.join(","), formats: formats.join(",") });
  return `/api/documents/export/?${query}`;
}

// `pages` is set ("3/10") when OCR had not finished: the file holds the pages done so far.
export type Downloaded = { name: string; incompletePages: string | null };

export async function download(url: string, fallbackName: string): Promise<Downloaded> {
  const response = await fetch(url, { credentials: "same-origin", headers: requestHeaders("GET") });
  if (!response.ok) throw await errorFromResponse(response);
  const name = filenameOf(response.headers.get("Content-Disposition")) ?? fallbackName;
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  const incomplete = response.headers.get("X-Export-Incomplete") === "true";
  return { name, incompletePages: incomplete ? (response.headers.get("X-Export-Pages") ?? "?") : null };
}

// RFC 6266: filename*=UTF-8''... (Chinese names) wins over the plain filename="...".
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  if (star?.[1]) return decodeURIComponent(star[1].trim());
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  return plain?.[1]?.trim() ?? null;
}
