// Which language to show: the user's last choice, else the browser's preference.
export type Lang = "en" | "zh-Hans";

export const LANGS: readonly Lang[] = ["en", "zh-Hans"];
export const STORAGE_KEY = "ocrsite.lang";

export function isLang(value: unknown): value is Lang {
  return value === "en" || value === "zh-Hans";
}

export function detectLang(
  stored: string | null = readStored(),
  browser: readonly string[] = navigator.languages ?? [navigator.language],
): Lang {
  if (isLang(stored)) return stored;
  for (const tag of browser) {
    const lower = tag.toLowerCase();
    if (lower.startsWith("zh")) return "zh-Hans";
    if (lower.startsWith("en")) return "en";
  }
  return "en";
}

export function readStored(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (private mode): fall back to the browser's language
  }
}

export function storeLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // the choice then lasts for this page only
  }
}
