// A small i18n module: a language store shared by React and the API client, and `t()`.
import { useCallback, useSyncExternalStore } from "react";

import { type Lang, detectLang, storeLang } from "./detect";
import { type MessageKey, type Messages, en, zhHans } from "./messages";

export type { Lang } from "./detect";
export { LANGS, acceptLanguage } from "./detect";
export type { MessageKey } from "./messages";

const TABLES: Record<Lang, Messages> = { en, "zh-Hans": zhHans };
export const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-Hans": "简体中文" };

let current: Lang = detectLang();
const listeners = new Set<() => void>();
document.documentElement.lang = current;

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  storeLang(lang);
  document.documentElement.lang = lang;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type Vars = Record<string, string | number>;
export type Translate = (key: MessageKey, vars?: Vars) => string;

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  const text = TABLES[lang][key] ?? en[key];
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function useI18n(): { lang: Lang; setLang: (lang: Lang) => void; t: Translate } {
  const lang = useSyncExternalStore(subscribe, getLang);
  const t = useCallback<Translate>((key, vars) => translate(lang, key, vars), [lang]);
  return { lang, setLang, t };
}

// Dates and numbers in the chosen language's conventions.
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
