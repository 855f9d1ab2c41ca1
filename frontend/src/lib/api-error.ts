// One error type for every failed API call. The server answers errors with one JSON envelope;
// this reads its message (and per-field messages) without depending on more than that.
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: Record<string, string[]>;
  readonly body: unknown;

  constructor(
    status: number,
    message: string,
    {
      code = "error",
      fields = {},
      body,
    }: { code?: string; fields?: Record<string, string[]>; body?: unknown } = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }

  // The session ended (signed out elsewhere, expired): the app shows the sign-in form again.
  get signedOut(): boolean {
    return this.status === 401 || (this.status === 403 && this.code === "not_authenticated");
  }
}

type Json = Record<string, unknown>;

function asText(value: unknown): string | null {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) {
    const parts = value.map(asText).filter((part): part is string => !!part);
    return parts.length ? parts.join(" ") : null;
  }
  if (value && typeof value === "object") {
    const obj = value as Json;
    return asText(obj.message ?? obj.detail ?? obj.error ?? null);
  }
  return null;
}

function fieldMessages(value: unknown): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (!value || typeof value !== "object" || Array.isArray(value)) return fields;
  for (const [key, messages] of Object.entries(value as Json)) {
    const text = asText(messages);
    if (text) fields[key] = [text];
  }
  return fields;
}

export function errorFromBody(status: number, body: unknown, fallback: string): ApiError {
  if (body && typeof body === "object" && !Array.isArray(body)) {
    const obj = body as Json;
    const envelope = (obj.error && typeof obj.error === "object" ? obj.error : obj) as Json;
    const fields = fieldMessages(envelope.fields ?? envelope.extra ?? envelope.errors);
    const message =
      asText(envelope.message) ??
      asText(envelope.detail) ??
      asText(obj.error) ??
      Object.values(fields)[0]?.[0] ??
      asText(Object.values(obj)[0]) ??
      fallback;
    const code = typeof envelope.code === "string" ? envelope.code : undefined;
    return new ApiError(status, message, { code, fields, body });
  }
  if (typeof body === "string" && body.trim() && !body.trimStart().startsWith("<")) {
    return new ApiError(status, body.trim().slice(0, 300), { body });
  }
  return new ApiError(status, fallback, { body });
}

export async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    const text = await response.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  } catch {
    // the body could not be read: keep the status line
  }
  return errorFromBody(response.status, body, `${response.status} ${response.statusText}`.trim());
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
