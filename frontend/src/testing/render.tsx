import type { QueryClient } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { RouterProvider, createMemoryRouter } from "react-router";

import { AppProvider } from "@/app/provider";
import { routes } from "@/app/router";

import { makeQueryClient } from "@/lib/query-client";

// The app's own client (its session handling included), without retries.
export function testQueryClient(): QueryClient {
  const client = makeQueryClient();
  client.setDefaultOptions({ queries: { retry: false, staleTime: 0 }, mutations: { retry: false } });
  return client;
}

// The whole app (layout, routes, providers) at `path`.
export function renderApp(path: string) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  return {
    router,
    ...render(
      <AppProvider client={testQueryClient()}>
        <RouterProvider router={router} />
      </AppProvider>,
    ),
  };
}

// One component with the providers and a router around it.
export function renderWithProviders(ui: ReactElement, path = "/") {
  const router = createMemoryRouter([{ path: "*", element: ui }], { initialEntries: [path] });
  return {
    router,
    ...render(
      <AppProvider client={testQueryClient()}>
        <RouterProvider router={router} />
      </AppProvider>,
    ),
  };
}
