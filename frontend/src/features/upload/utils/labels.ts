import type { Schemas } from "@/lib/api-client";
import { type Translate, keyFor } from "@/lib/i18n";

export function pipelineLabel(t: Translate, pipeline: Schemas["PipelineEnum"]): string {
  return t(`upload.pipeline.${pipeline}`);
}

// Options come from the server's config: one this build has no words for (the engine gained it
// later) shows its own name.
export function optionLabel(t: Translate, name: string): string {
  const key = keyFor("upload.opt.", name);
  return key ? t(key) : name;
}

export function optionHint(t: Translate, name: string): string | null {
  const key = keyFor("upload.opt.", `${name}.hint`);
  return key ? t(key) : null;
}
