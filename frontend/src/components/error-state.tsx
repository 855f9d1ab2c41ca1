import { ApiError } from "@/lib/api-error";
import { errorText } from "@/lib/error-text";
import { useI18n } from "@/lib/i18n";

// A failed request, said in words, with a way to try again.
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  // Asking again cannot change a refusal (404, 403, 400); it may help after a network or 5xx error.
  const retryable = !(error instanceof ApiError && error.status >= 400 && error.status < 500);
  let message = errorText(t, error);
  if (error instanceof ApiError && error.status === 404) message = t("app.notFound");
  else if (error instanceof ApiError && error.status === 403) message = t("app.forbidden");
  return (
    <div className="error-state" role="alert">
      <p>{message}</p>
      {onRetry && retryable && (
        <button type="button" onClick={onRetry}>
          {t("app.retry")}
        </button>
      )}
    </div>
  );
}
