import { type Translate, keyFor } from "@/lib/i18n";

// A layout label (PP-StructureV3's names) in the user's language, or as the engine said it.
export function blockLabel(t: Translate, label: string): string {
  const key = keyFor("block.", label);
  return key ? t(key) : label.replace(/_/g, " ");
}
