// The one typed client for the Django API: paths and JSON shapes come from the OpenAPI schema
// (src/lib/api-types.ts, `npm run gen:api`). Every request carries the session cookie, the CSRF
// token on writes, and the chosen language so server messages come back in it.
import createClient, { type Middleware } from "openapi-fetch";

import { ApiError, errorFromBody } from "./api-error";
import type { components, paths } from "./api-types";
import { csrfToken } from "./csrf";
import { getLang } from "./i18n";

export type Schemas = components["schemas"];

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export function requestHeaders(method: string): Record<string, string> {
  // The UI's language tag ("en", "zh-Hans") is what Django's LocaleMiddleware reads.
  const headers: Record<string, string> = { "Accept-Language": getLang() };
  if (!SAFE.has(method.toUpperCase())) headers["X-CSRFToken"] = csrfToken();
  return headers;
}

const djangoSession: Middleware = {
  onRequest({ request }) {
    for (const [name, value] of Object.entries(requestHeaders(request.method))) {
      request.headers.set(name, value);
    }
    return request;
  },
};

export const api = createClient<paths>({
  baseUrl: location.origin,
  credentials: "same-origin",
  // Looked up per call, not captured once, so tests can stand in for the network.
  fetch: (request) => globalThis.fetch(request),
});
api.use(djangoSession);

// openapi-fetch resolves with {data} or {error}; callers want the data or an ApiError thrown.
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) {
    throw errorFromBody(response.status, error, `${response.status} ${response.statusText}`.trim());
  }
  return data as T;
}

export { ApiError };
