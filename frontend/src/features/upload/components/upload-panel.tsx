// Drop or pick many files; choose the pipeline and options the server can run; watch each file
// go up.
import { type DragEvent, useRef, useState } from "react";
import { Link } from "react-router";

import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { ProgressBar } from "@/components/progress-bar";
import { Spinner } from "@/components/spinner";
import { useI18n } from "@/lib/i18n";

import {
  type UploadConfig,
  changedOptions,
  offeredOptions,
  offeredPipelines,
  useUploadConfig,
} from "../api/config";
import { type UploadItem, useUploadQueue } from "../hooks/use-upload-queue";
import { optionHint, optionLabel, pipelineLabel } from "../utils/labels";

const ACCEPT = ".png,.jpg,.jpeg,.tif,.tiff,.bmp,.webp,.pdf,image/*,application/pdf";

// The form needs the server's config: without it the screen could offer options that cannot run.
export function UploadPanel() {
  const { t } = useI18n();
  const config = useUploadConfig();
  if (config.isPending) return <Spinner label={t("upload.config.loading")} />;
  if (config.isError) {
    return (
      <div className="upload">
        <p>{t("upload.config.failed")}</p>
        <ErrorState error={config.error} onRetry={() => void config.refetch()} />
      </div>
    );
  }
  if (offeredPipelines(config.data).length === 0) {
    return <EmptyState>{t("upload.config.nothing")}</EmptyState>;
  }
  return <UploadForm config={config.data} />;
}

// Each option ticked as the config's default says; only what the user changes is sent.
function UploadForm({ config }: { config: UploadConfig }) {
  const { t } = useI18n();
  const [pipeline, setPipeline] = useState(config.default_pipeline);
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const offered = offeredOptions(config, pipeline);
  const options = changedOptions(offered, chosen);
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
        {offeredPipelines(config).map((name) => (
          <label key={name}>
            <input
              type="radio"
              name="pipeline"
              value={name}
              checked={pipeline === name}
              onChange={() => setPipeline(name)}
            />
            {pipelineLabel(t, name)}
          </label>
        ))}
      </fieldset>
      {offered.length > 0 && (
        <fieldset className="upload-options">
          <legend>{t("upload.options")}</legend>
          {offered.map(({ name, default: byDefault }) => {
            const hint = optionHint(t, name);
            return (
              <div key={name} className="upload-option">
                <label>
                  <input
                    type="checkbox"
                    name={name}
                    checked={chosen[name] ?? byDefault}
                    aria-describedby={hint ? `${name}-hint` : undefined}
                    onChange={(e) => setChosen((c) => ({ ...c, [name]: e.target.checked }))}
                  />
                  {optionLabel(t, name)}
                </label>
                {hint && (
                  <small id={`${name}-hint`} className="option-hint">
                    {hint}
                  </small>
                )}
              </div>
            );
          })}
        </fieldset>
      )}

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
    failed: t("upload.state.failed", { reason: t("app.networkError") }),
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
