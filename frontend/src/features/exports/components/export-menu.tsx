// Export buttons: one document in one format, or several documents as one ZIP.
import { useState } from "react";

import { errorText } from "@/lib/error-text";
import { useI18n } from "@/lib/i18n";

import { FORMATS, type Format, download, exportUrl, zipUrl } from "../api/download";

type Props = { documentIds: readonly number[]; name?: string };

export function ExportMenu({ documentIds, name = "export" }: Props) {
  const { t } = useI18n();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [zipFormats, setZipFormats] = useState<Format[]>(["txt", "pdf"]);

  const run = async (key: string, url: string, fallback: string) => {
    setBusy(key);
    setError(null);
    setNotice(null);
    try {
      const { incompletePages } = await download(url, fallback);
      if (incompletePages) setNotice(t("export.incomplete", { pages: incompletePages }));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(null);
    }
  };

  const single = documentIds.length === 1 ? documentIds[0] : undefined;
  return (
    <div className="export-menu" role="group" aria-label={t("export.label")}>
      {single !== undefined ? (
        <>
          <span>{t("export.label")}:</span>
          {FORMATS.map((format) => (
            <button
              key={format}
              type="button"
              disabled={busy !== null}
              title={t(`export.format.${format}`)}
              onClick={() => void run(format, exportUrl(single, format), `${name}.${format}`)}
            >
              {busy === format ? "…" : format.toUpperCase()}
            </button>
          ))}
        </>
      ) : (
        <>
          <fieldset className="export-formats">
            <legend className="visually-hidden">{t("export.formats")}</legend>
            {FORMATS.map((format) => (
              <label key={format} title={t(`export.format.${format}`)}>
                <input
                  type="checkbox"
                  checked={zipFormats.includes(format)}
                  onChange={(e) =>
                    setZipFormats((all) =>
                      e.target.checked ? [...all, format] : all.filter((f) => f !== format),
                    )
                  }
                />
                {format.toUpperCase()}
              </label>
            ))}
          </fieldset>
          <button
            type="button"
            disabled={busy !== null || !zipFormats.length || !documentIds.length}
            onClick={() => void run("zip", zipUrl(documentIds, zipFormats), "documents.zip")}
          >
            {busy === "zip" ? t("export.downloading") : t("export.zip")}
          </button>
        </>
      )}
      {notice && <span className="hint">{notice}</span>}
      {error && (
        <span className="field-error" role="alert">
          {t("export.failed", { reason: error })}
        </span>
      )}
    </div>
  );
}
