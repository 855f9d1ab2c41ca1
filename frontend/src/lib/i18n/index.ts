// The UI's languages through i18next: catalogues bundled in the build (nothing fetched), plural
// forms by Intl.PluralRules, the language remembered and shared by React and the API client.
import i18next, { type ParseKeys } from "i18next";
import { initReactI18next, useTranslation } from "react-i18next";

import { LANGS, type Lang, detectLang, isLang, storeLang } from "./detect";
import { en } from "./locales/en";
import { zhHans } from "./locales/zh-hans";

export type { Lang } from "./detect";
export { LANGS } from "./detect";

export const LANG_NAMES: Record<Lang, string> = { en: "English", "zh-Hans": "简体中文" };

export const resources = { en: { translation: en }, "zh-Hans": { translation: zhHans } } as const;

declare module "i18next" {
  interface CustomTypeOptions {
    defaultNS: "translation";
    resources: { translation: typeof en };
    // Keys are flat: "docs.title" is one key, not docs → title.
    keySeparator: false;
    nsSeparator: false;
  }
}

void i18next.use(initReactI18next).init({
  resources,
  lng: detectLang(),
  fallbackLng: "en",
  supportedLngs: LANGS,
  keySeparator: false,
  nsSeparator: false,
  // React escapes what it renders; escaping here too would show "&amp;".
  interpolation: { escapeValue: false },
  // The catalogues are in the bundle, so the first render is already in the right language.
  initAsync: false,
});
document.documentElement.lang = getLang();
i18next.on("languageChanged", () => {
  document.documentElement.lang = getLang();
});

export const i18n = i18next;

export function getLang(): Lang {
  const lang = i18next.resolvedLanguage ?? i18next.language;
  return isLang(lang) ? lang : "en";
}

export function setLang(lang: Lang): void {
  storeLang(lang);
  void i18next.changeLanguage(lang);
}

export type Translate = ReturnType<typeof useTranslation>["t"];

export function useI18n(): { lang: Lang; setLang: (lang: Lang) => void; t: Translate } {
  const { t } = useTranslation();
  return { lang: getLang(), setLang, t };
}

// The key for a name the server sends as free text (a pipeline option, a layout label), or null
// when this build has no words for it, which then shows as the server said it.
export function keyFor<P extends string>(prefix: P, name: string): KeyUnder<P> | null {
  const key = `${prefix}${name}`;
  return isKeyUnder(prefix, key) ? key : null;
}

type KeyUnder<P extends string> = Extract<ParseKeys, `${P}${string}`>;

function isKeyUnder<P extends string>(prefix: P, key: string): key is KeyUnder<P> {
  return key.startsWith(prefix) && i18next.exists(key);
}

// Dates and numbers in the chosen language's conventions.
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
