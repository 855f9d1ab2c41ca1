// One file to POST /api/documents/ through XMLHttpRequest, which (unlike fetch) reports upload
// progress. One request per file gives each file its own progress bar and its own verdict.
import { ApiError, errorFromBody } from "@/lib/api-error";
import { type Schemas, requestHeaders } from "@/lib/api-client";

export type UploadSettings = { pipeline: Schemas["PipelineEnum"]; options: Record<string, boolean> };
export type Uploaded = { id: number; name: string };

export type UploadHandle = { done: Promise<Uploaded>; abort: () => void };

export function uploadFile(
  file: File,
  settings: UploadSettings,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<Uploaded>((resolve, reject) => {
    const form = new FormData();
    form.append("file", file, file.name);
    form.append("pipeline", settings.pipeline);
    form.append("options", JSON.stringify(settings.options));

    xhr.open("POST", "/api/documents/");
    for (const [name, value] of Object.entries(requestHeaders("POST"))) xhr.setRequestHeader(name, value);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      const body = parse(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        const created = createdDocument(body);
        if (created) resolve(created);
        else reject(rejection(xhr.status, body, file.name));
      } else {
        reject(rejection(xhr.status, body, file.name));
      }
    };
    xhr.onerror = () => reject(new TypeError("network error"));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// 201 {"documents": [...], "rejected": [...]}: this request carried one file, so one document.
function createdDocument(body: unknown): Uploaded | null {
  const documents = (body as Partial<Schemas["UploadResult"]> | null)?.documents;
  const first = Array.isArray(documents) ? documents[0] : undefined;
  return first ? { id: first.id, name: first.name } : null;
}

// A refused file: the error envelope lists each file's reason in `files` (code and message).
function rejection(status: number, body: unknown, name: string): ApiError {
  const error = errorFromBody(status, body, `${status}`);
  const files = (body as Partial<Schemas["Error"]> | null)?.error?.files;
  const mine = files?.find((f) => f.name === name) ?? files?.[0];
  return mine ? new ApiError(error.status, mine.message, { code: mine.code, body }) : error;
}
