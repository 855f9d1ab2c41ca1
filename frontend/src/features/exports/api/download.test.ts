import { describe, expect, it } from "vitest";

import { pathsApiDocumentsIdExportGetParametersQueryFormatValues as offered } from "@/lib/api-types";

import { FORMATS, filenameOf, zipUrl } from "./download";

describe("exports", () => {
  it("reads the file name, Chinese names included", () => {
    expect(filenameOf('attachment; filename="report.txt"')).toBe("report.txt");
    expect(filenameOf("attachment; filename=\"x.txt\"; filename*=UTF-8''%E6%8A%A5%E5%91%8A.txt")).toBe(
      "报告.txt",
    );
    expect(filenameOf(null)).toBeNull();
  });

  it("offers every format the API has", () => {
    expect([...FORMATS].sort()).toEqual([...offered].sort());
  });

  it("asks for several documents and formats in one ZIP", () => {
    expect(zipUrl([3, 5], ["txt", "pdf"])).toBe("/api/documents/export/?ids=3%2C5&formats=txt%2Cpdf");
  });
});
