// Text that becomes an input in place; the engine's original stays one click away.
import { useEffect, useEffectEvent, useRef, useState } from "react";

import { errorText } from "@/lib/error-text";
import { useI18n } from "@/lib/i18n";

type Props = {
  original: string;
  corrected: string | null;
  editing: boolean;
  onEditingChange: (editing: boolean) => void;
  // null drops the correction: the engine's text is back.
  onSave: (text: string | null) => Promise<unknown>;
  multiline?: boolean;
  label: string;
};

export function EditableText({
  original,
  corrected,
  editing,
  onEditingChange,
  onSave,
  multiline,
  label,
}: Props) {
  const { t } = useI18n();
  const current = corrected ?? original;
  const [draft, setDraft] = useState(current);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [showOriginal, setShowOriginal] = useState(false);
  const field = useRef<HTMLInputElement & HTMLTextAreaElement>(null);

  // On opening only: later renders must not reset what the user typed.
  const open = useEffectEvent(() => {
    setDraft(current);
    setError(null);
    field.current?.focus();
    field.current?.select();
  });
  useEffect(() => {
    if (editing) open();
  }, [editing]);

  const save = async (text: string | null) => {
    if (text === current) {
      onEditingChange(false);
      return;
    }
    setSaving(true);
    setError(null);
    try {
      await onSave(text);
      onEditingChange(false);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setSaving(false);
    }
  };

  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onEditingChange(false);
    } else if (event.key === "Enter" && (!multiline || event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void save(draft);
    }
  };

  if (editing) {
    const common = {
      ref: field,
      value: draft,
      disabled: saving,
      "aria-label": label,
      onChange: (e: React.ChangeEvent<HTMLInputElement & HTMLTextAreaElement>) => setDraft(e.target.value),
      onKeyDown,
      className: "edit-field",
    };
    return (
      <div className="editing" onClick={(e) => e.stopPropagation()}>
        {multiline ? (
          <textarea rows={Math.min(12, draft.split("\n").length + 1)} {...common} />
        ) : (
          <input {...common} />
        )}
        <div className="edit-actions">
          <button type="button" className="primary" onClick={() => void save(draft)} disabled={saving}>
            {saving ? t("review.saving") : t("review.save")}
          </button>
          <button type="button" onClick={() => onEditingChange(false)} disabled={saving}>
            {t("review.cancelEdit")}
          </button>
          {corrected !== null && (
            <button type="button" className="link" onClick={() => void save(null)} disabled={saving}>
              {t("review.revert")}
            </button>
          )}
        </div>
        {error && (
          <p className="field-error" role="alert">
            {t("review.saveFailed", { reason: error })}
          </p>
        )}
      </div>
    );
  }

  return (
    <>
      <span className="text-value">{current || "\u00a0"}</span>
      {corrected !== null && (
        <span className="corrected">
          <button
            type="button"
            className="link corrected-mark"
            title={t("review.original", { text: original })}
            onClick={(e) => {
              e.stopPropagation();
              setShowOriginal((v) => !v);
            }}
          >
            {t("review.corrected")} · {showOriginal ? t("review.hideOriginal") : t("review.showOriginal")}
          </button>
          {showOriginal && <span className="original">{t("review.original", { text: original })}</span>}
        </span>
      )}
    </>
  );
}
