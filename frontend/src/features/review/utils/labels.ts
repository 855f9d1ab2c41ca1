import type { MessageKey, Translate } from "@/lib/i18n";
import { en } from "@/lib/i18n/messages";

// A layout label (PP-StructureV3's names) in the user's language, or as the engine said it.
export function blockLabel(t: Translate, label: string): string {
  const key = `block.${label}`;
  return key in en ? t(key as MessageKey) : label.replace(/_/g, " ");
}
