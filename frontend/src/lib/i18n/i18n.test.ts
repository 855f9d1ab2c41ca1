import { describe, expect, it } from "vitest";

import {
  correctionKindEnumValues,
  correctionStateEnumValues,
  pipelineEnumValues,
  statusEnumValues,
} from "@/lib/api-types";

import { detectLang } from "./detect";
import { getLang, i18n, setLang } from "./index";
import { en } from "./locales/en";
import { zhHans } from "./locales/zh-hans";

const english = i18n.getFixedT("en");
const chinese = i18n.getFixedT("zh-Hans");

// The layout labels PP-StructureV3 gives blocks: PP-DocLayout's and those the engine's CDLA
// layout model is mapped to (documents/engine/builders/layout.py), seals included.
const BLOCK_KINDS = [
  "doc_title",
  "paragraph_title",
  "text",
  "content",
  "abstract",
  "table",
  "table_title",
  "image",
  "figure",
  "figure_title",
  "chart",
  "chart_title",
  "header",
  "header_image",
  "footer",
  "footer_image",
  "number",
  "footnote",
  "vision_footnote",
  "reference",
  "reference_content",
  "formula",
  "formula_number",
  "algorithm",
  "aside_text",
  "vertical_text",
  "seal",
] as const;

const hasLatin = (text: string) => /[A-Za-z]{2,}/.test(text);

describe("i18n", () => {
  it("fills in named values", () => {
    expect(english("docs.pagesDone", { done: 2, count: 5 })).toBe("2 of 5 pages");
    expect(chinese("docs.pagesDone", { done: 2, count: 5 })).toBe("2 / 5 页");
    expect(chinese("nav.signedInAs", { name: "<alice>" })).toBe("当前用户：<alice>");
  });

  it("says one and many by the language's plural rules", () => {
    expect(english("review.lowConfidence", { count: 1, threshold: 80 })).toBe("Below 80% confidence: 1 line");
    expect(english("review.lowConfidence", { count: 2, threshold: 80 })).toBe(
      "Below 80% confidence: 2 lines",
    );
    expect(english("review.lowConfidence", { count: 0, threshold: 80 })).toBe(
      "Below 80% confidence: 0 lines",
    );
    expect(english("docs.pagesDone", { done: 0, count: 1 })).toBe("0 of 1 page");
    expect(english("docs.confirmDelete", { count: 1 })).toBe("Delete 1 document? This cannot be undone.");
    expect(english("docs.confirmDelete", { count: 3 })).toBe("Delete 3 documents? This cannot be undone.");
    // Chinese has one form for every count.
    expect(chinese("review.lowConfidence", { count: 1, threshold: 80 })).toBe("置信度低于 80%：1 行");
    expect(chinese("review.lowConfidence", { count: 5, threshold: 80 })).toBe("置信度低于 80%：5 行");
    expect(chinese("docs.confirmDelete", { count: 1 })).toBe("确定删除 1 个文档？此操作无法撤销。");
  });

  it("names every status, pipeline, block kind and correction in both languages", () => {
    const names = [
      ...statusEnumValues.map((s) => `status.${s}` as const),
      ...pipelineEnumValues.map((p) => `upload.pipeline.${p}` as const),
      ...correctionKindEnumValues.map((k) => `review.kind.${k}` as const),
      ...correctionStateEnumValues.map((s) => `review.state.${s}` as const),
      ...BLOCK_KINDS.map((b) => `block.${b}` as const),
    ];
    for (const key of names) {
      expect(Object.keys(en), key).toContain(key);
      expect(Object.keys(zhHans), key).toContain(key);
      // "Excel" is the program's name, which Chinese keeps.
      expect(hasLatin(chinese(key).replace("Excel", "")), `${key}: ${chinese(key)}`).toBe(false);
    }
    expect(chinese("status.queued")).toBe("排队中");
    expect(chinese("block.reference")).toBe("参考文献");
    expect(english("block.reference")).toBe("References");
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
    expect(i18n.t("nav.documents")).toBe("文档");
    expect(localStorage.getItem("ocrsite.lang")).toBe("zh-Hans");
    expect(document.documentElement.lang).toBe("zh-Hans");
  });

  it("has a Chinese text for every key, with the same placeholders", () => {
    const names = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      const zhKey = key.replace(/_one$/, "_other") as keyof typeof zhHans;
      expect(zhHans[zhKey], key).toBeTruthy();
      expect(names(zhHans[zhKey]), key).toEqual(names(text));
    }
  });
});
