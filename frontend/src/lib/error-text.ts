import { errorMessage } from "./api-error";
import type { Translate } from "./i18n";

// What to tell the user when a request failed: the server's own message (it answers in the
// language the API client asks for), or, when no answer came at all, the app's words for that;
// the browser's "Failed to fetch" is in English whatever the UI's language.
export function errorText(t: Translate, error: unknown): string {
  if (error instanceof TypeError) return t("app.networkError");
  return errorMessage(error) || t("app.error");
}
