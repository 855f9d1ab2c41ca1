// A stand-in for the Django API in component tests: answers "METHOD /path/" from a table and
// records every request, so a test can check what the app sent. (The real API is exercised by
// the end-to-end tests in tests/e2e/.)
import { vi } from "vitest";

export type Answer = { status?: number; body?: unknown };
export type Reply = Answer | ((request: Request, body: unknown) => Answer | Promise<Answer>);
export type Sent = { method: string; path: string; query: URLSearchParams; body: unknown; headers: Headers };

export function mockApi(routes: Record<string, Reply>): Sent[] {
  const sent: Sent[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request =
      input instanceof Request ? input : new Request(new URL(String(input), location.origin), init);
    const url = new URL(request.url);
    const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // a non-JSON body is kept as text
    }
    sent.push({
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      body,
      headers: request.headers,
    });
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route) return json(404, { error: { code: "not_found", message: "Not found.", fields: {} } });
    const reply = typeof route === "function" ? await route(request, body) : route;
    return json(reply.status ?? 200, reply.body);
  });
  vi.stubGlobal("fetch", fetchStub);
  return sent;
}

function json(status: number, body: unknown): Response {
  if (status === 204) return new Response(null, { status });
  return new Response(JSON.stringify(body ?? null), {
    status,
    headers: { "Content-Type": "application/json" },
  });
}
