import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { alice } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

const empty = { body: { count: 0, next: null, previous: null, results: [] } };

describe("app frame", () => {
  it("switches to Chinese, remembers it and asks the server in it", async () => {
    const sent = mockApi({ "GET /api/auth/me/": { body: { user: alice } }, "GET /api/documents/": empty });
    renderApp("/documents");
    await screen.findByRole("heading", { name: "Documents" });

    await userEvent.selectOptions(screen.getByLabelText("Language"), "zh-Hans");
    expect(await screen.findByRole("heading", { name: "文档" })).toBeInTheDocument();
    expect(within(screen.getByRole("navigation")).getByRole("link", { name: "上传" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "退出登录" })).toBeInTheDocument();
    expect(localStorage.getItem("ocrsite.lang")).toBe("zh-Hans");

    await userEvent.type(screen.getByRole("searchbox"), "发票");
    await screen.findByText("没有符合筛选条件的文档。");
    const last = sent.filter((r) => r.path === "/api/documents/").at(-1)!;
    expect(last.headers.get("Accept-Language")).toBe("zh-Hans");
    expect(last.query.get("q")).toBe("发票");
  });

  it("links staff to the Django admin", async () => {
    mockApi({
      "GET /api/auth/me/": { body: { user: { ...alice, is_staff: true } } },
      "GET /api/documents/": empty,
    });
    renderApp("/documents");
    expect(await screen.findByRole("link", { name: "Admin" })).toHaveAttribute("href", "/admin/");
  });

  it("shows the sign-in form again when the session has ended", async () => {
    let signedIn = true;
    mockApi({
      "GET /api/auth/me/": () => ({ body: { user: signedIn ? alice : null } }),
      "GET /api/documents/": () => {
        signedIn = false;
        return {
          status: 403,
          body: {
            error: { code: "not_authenticated", message: "Authentication credentials were not provided." },
          },
        };
      },
    });
    renderApp("/documents");
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });

  it("says when the server cannot be reached", async () => {
    mockApi({ "GET /api/auth/me/": () => Promise.reject(new TypeError("Failed to fetch")) });
    renderApp("/documents");
    expect(await screen.findByRole("alert", {}, { timeout: 5000 })).toHaveTextContent(
      "The server could not be reached",
    );
  });
});
