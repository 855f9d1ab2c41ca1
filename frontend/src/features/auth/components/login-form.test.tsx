import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { alice } from "@/testing/fixtures";
import { mockApi } from "@/testing/mock-api";
import { renderApp } from "@/testing/render";

describe("sign in", () => {
  it("says so on a wrong password, then signs in", async () => {
    document.cookie = "csrftoken=tok123";
    const sent = mockApi({
      "GET /api/auth/me/": { body: { user: null } },
      "POST /api/auth/login/": (_req, body) =>
        (body as { password: string }).password === "right"
          ? { body: alice }
          : {
              status: 400,
              body: {
                error: { code: "wrong_credentials", message: "Wrong username or password.", fields: {} },
              },
            },
      "GET /api/documents/": { body: { count: 0, next: null, previous: null, results: [] } },
    });
    renderApp("/documents");
    const user = userEvent.setup();

    await user.type(await screen.findByLabelText("Username"), "alice");
    await user.type(screen.getByLabelText("Password"), "wrong");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Wrong username or password.");

    await user.clear(screen.getByLabelText("Password"));
    await user.type(screen.getByLabelText("Password"), "right");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("No documents yet. Upload some to start.")).toBeInTheDocument();
    expect(screen.getByText("alice")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Admin" })).not.toBeInTheDocument();

    const login = sent.find((r) => r.path === "/api/auth/login/")!;
    expect(login.headers.get("X-CSRFToken")).toBe("tok123");
    expect(login.body).toEqual({ username: "alice", password: "wrong" });
  });

  it("asks for both fields before sending", async () => {
    const sent = mockApi({ "GET /api/auth/me/": { body: { user: null } } });
    renderApp("/");
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(screen.getByRole("alert")).toHaveTextContent("Enter your username and password.");
    expect(sent.filter((r) => r.method === "POST")).toEqual([]);
  });
});
