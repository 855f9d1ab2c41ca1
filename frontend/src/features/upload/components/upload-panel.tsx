// Drop or pick many files; choose the pipeline and orientation options; watch each file go up.
import { type DragEvent, useRef, useState } from "react";
import { Link } from "react-router";

import { EmptyState } from "@/components/empty-state";
import { ProgressBar } from "@/components/progress-bar";
import { type MessageKey, useI18n } from "@/lib/i18n";

import type { Pipeline } from "../api/upload-file";
import { type UploadItem, useUploadQueue } from "../hooks/use-upload-queue";

// PaddleOCR's orientation flags, by their names there, shown ticked as the engine defaults them,
// each with a line saying what it does. Only the flags the user changes are sent, so the
// server's defaults (the admin's runtime settings) hold for the rest.
type OrientationOption = { flag: string; label: MessageKey; hint?: MessageKey; engineDefault: boolean };
const ORIENTATION_OPTIONS: OrientationOption[] = [
  { flag: "use_doc_orientation_classify", label: "upload.opt.docOrientation", engineDefault: true },
  {
    flag: "use_textline_orientation",
    label: "upload.opt.textlineOrientation",
    hint: "upload.opt.textlineOrientation.hint",
    engineDefault: false,
  },
  { flag: "use_doc_unwarping", label: "upload.opt.unwarping", engineDefault: false },
];

const ACCEPT = ".png,.jpg,.jpeg,.tif,.tiff,.bmp,.webp,.pdf,image/*,application/pdf";

export function UploadPanel() {
  const { t } = useI18n();
  const [pipeline, setPipeline] = useState<Pipeline>("structure");
  const [options, setOptions] = useState<Record<string, boolean>>({});
  const { items, add, remove, clearFinished } = useUploadQueue({ pipeline, options });
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (event.dataTransfer.files.length) add(event.dataTransfer.files);
  };

  return (
    <div className="upload">
      <fieldset className="upload-options">
        <legend>{t("upload.pipeline")}</legend>
        {(["structure", "ocr"] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="pipeline"
              value={value}
              checked={pipeline === value}
              onChange={() => setPipeline(value)}
            />
            {t(`upload.pipeline.${value}`)}
          </label>
        ))}
      </fieldset>
      <fieldset className="upload-options">
        <legend>{t("upload.orientation")}</legend>
        {ORIENTATION_OPTIONS.map(({ flag, label, hint, engineDefault }) => (
          <div key={flag} className="upload-option">
            <label>
              <input
                type="checkbox"
                name={flag}
                checked={options[flag] ?? engineDefault}
                aria-describedby={hint && `${flag}-hint`}
                onChange={(e) => setOptions((o) => ({ ...o, [flag]: e.target.checked }))}
              />
              {t(label)}
            </label>
            {hint && (
              <small id={`${flag}-hint`} className="option-hint">
                {t(hint)}
              </small>
            )}
          </div>
        ))}
      </fieldset>

      <div
        className={`dropzone${dragging ? " is-dragging" : ""}`}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <p className="dropzone-title">{t("upload.drop")}</p>
        <p>{t("upload.or")}</p>
        <button type="button" className="primary" onClick={() => picker.current?.click()}>
          {t("upload.pick")}
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          accept={ACCEPT}
          hidden
          data-testid="file-input"
          onChange={(e) => {
            if (e.target.files?.length) add(e.target.files);
            e.target.value = ""; // the same file may be picked again
          }}
        />
        <p className="hint">{t("upload.accepted")}</p>
      </div>

      {items.length === 0 ? (
        <EmptyState>{t("upload.empty")}</EmptyState>
      ) : (
        <>
          <ul className="upload-list">
            {items.map((item) => (
              <UploadRow key={item.key} item={item} onRemove={() => remove(item.key)} />
            ))}
          </ul>
          <div className="upload-actions">
            <button type="button" onClick={clearFinished}>
              {t("upload.clear")}
            </button>
            <Link to="/documents">{t("upload.toList")}</Link>
          </div>
        </>
      )}
    </div>
  );
}

function UploadRow({ item, onRemove }: { item: UploadItem; onRemove: () => void }) {
  const { t } = useI18n();
  const percent = Math.round(item.progress * 100);
  const status = {
    waiting: t("upload.state.waiting"),
    uploading: t("upload.state.uploading", { percent }),
    done: t("upload.state.done"),
    rejected: t("upload.state.rejected", { reason: item.message ?? "" }),
    failed: t("upload.state.failed", { reason: item.message ?? "" }),
  }[item.state];
  const bad = item.state === "rejected" || item.state === "failed";
  return (
    <li className={`upload-item upload-${item.state}`} data-testid="upload-item">
      <span className="upload-name">{item.file.name}</span>
      <ProgressBar
        value={item.state === "done" || bad ? 100 : percent}
        max={100}
        label={status}
        tone={bad ? "failed" : item.state === "done" ? "done" : "normal"}
      />
      <span className={bad ? "upload-status field-error" : "upload-status"} role={bad ? "alert" : undefined}>
        {status}
      </span>
      <span className="upload-row-actions">
        {item.documentId !== undefined && (
          <Link to={`/documents/${item.documentId}`}>{t("upload.open")}</Link>
        )}
        <button type="button" className="link" onClick={onRemove}>
          {t("upload.remove")}
        </button>
      </span>
    </li>
  );
}
