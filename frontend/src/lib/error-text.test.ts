import { describe, expect, it } from "vitest";

import { ApiError } from "./api-error";
import { errorText } from "./error-text";
import { i18n } from "./i18n";

describe("error text", () => {
  const chinese = i18n.getFixedT("zh-Hans");

  it("says a request that got no answer in the UI's language", () => {
    expect(errorText(chinese, new TypeError("Failed to fetch"))).toBe("无法连接服务器。请检查网络后重试。");
  });

  it("passes on the server's message, which comes in the language asked for", () => {
    expect(errorText(chinese, new ApiError(409, "文档未在排队或识别中。"))).toBe("文档未在排队或识别中。");
    expect(errorText(chinese, new ApiError(500, ""))).toBe("出错了。");
  });
});
