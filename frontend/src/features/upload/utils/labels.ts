import type { MessageKey, Translate } from "@/lib/i18n";
import { en } from "@/lib/i18n/messages";

// Pipelines and options come from the server's config: one this build has no words for (the
// engine gained it later) shows its own name.
const isKey = (key: string): key is MessageKey => key in en;

export function pipelineLabel(t: Translate, name: string): string {
  const key = `upload.pipeline.${name}`;
  return isKey(key) ? t(key) : name;
}

export function optionLabel(t: Translate, name: string): string {
  const key = `upload.opt.${name}`;
  return isKey(key) ? t(key) : name;
}

export function optionHint(t: Translate, name: string): string | null {
  const key = `upload.opt.${name}.hint`;
  return isKey(key) ? t(key) : null;
}
