import { describe, expect, it } from "vitest";

import { errorFromBody } from "./api-error";

describe("errorFromBody", () => {
  it("reads the server's envelope", () => {
    const error = errorFromBody(
      400,
      {
        error: {
          code: "invalid",
          message: "options: must be a JSON object",
          fields: { options: ["must be a JSON object"] },
        },
      },
      "400",
    );
    expect(error.message).toBe("options: must be a JSON object");
    expect(error.code).toBe("invalid");
    expect(error.fields).toEqual({ options: ["must be a JSON object"] });
  });

  it("knows an ended session", () => {
    const body = {
      error: { code: "not_authenticated", message: "Authentication credentials were not provided." },
    };
    expect(errorFromBody(403, body, "403").signedOut).toBe(true);
    expect(
      errorFromBody(403, { error: { code: "permission_denied", message: "No." } }, "403").signedOut,
    ).toBe(false);
  });

  it("falls back to the status line for an HTML page", () => {
    expect(errorFromBody(502, "<html>Bad Gateway</html>", "502 Bad Gateway").message).toBe("502 Bad Gateway");
  });
});
