import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useState } from "react";

import { meQueryKey } from "@/features/auth/api/session";
import { makeQueryClient, setSignedOutHandler } from "@/lib/query-client";

export function AppProvider({ children, client }: { children: ReactNode; client?: QueryClient }) {
  const [queryClient] = useState(() => client ?? makeQueryClient());
  useEffect(() => {
    setSignedOutHandler(() => void queryClient.invalidateQueries({ queryKey: meQueryKey }));
  }, [queryClient]);
  return <QueryClientProvider client={queryClient}>{children}</QueryClientProvider>;
}
