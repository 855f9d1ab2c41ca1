import { describe, expect, it } from "vitest";

import { detectLang } from "./detect";
import { getLang, setLang, translate } from "./index";
import { en, zhHans } from "./messages";

describe("i18n", () => {
  it("fills in named values", () => {
    expect(translate("en", "docs.pagesDone", { done: 2, total: 5 })).toBe("2 of 5 pages");
    expect(translate("zh-Hans", "docs.pagesDone", { done: 2, total: 5 })).toBe("2 / 5 页");
  });

  it("picks the stored choice first, then the browser's languages", () => {
    expect(detectLang("en", ["zh-CN"])).toBe("en");
    expect(detectLang(null, ["zh-CN", "en"])).toBe("zh-Hans");
    expect(detectLang(null, ["zh-TW"])).toBe("zh-Hans");
    expect(detectLang(null, ["fr-FR", "en-GB"])).toBe("en");
    expect(detectLang(null, ["de"])).toBe("en");
    expect(detectLang("klingon", ["zh"])).toBe("zh-Hans");
  });

  it("remembers the choice and marks the page's language", () => {
    setLang("zh-Hans");
    expect(getLang()).toBe("zh-Hans");
    expect(localStorage.getItem("ocrsite.lang")).toBe("zh-Hans");
    expect(document.documentElement.lang).toBe("zh-Hans");
  });

  it("has a Chinese text for every key, with the same placeholders", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhHans[key], key).toBeTruthy();
      const names = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      expect(names(zhHans[key]), key).toEqual(names(en[key]));
    }
  });
});
