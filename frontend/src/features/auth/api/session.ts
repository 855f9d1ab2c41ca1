// Who is signed in, signing in and out (Django session; see documents/api/auth.py).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { type Schemas, api, unwrap } from "@/lib/api-client";

export type User = Schemas["User"];

export const meQueryKey = ["auth", "me"] as const;

export function useMe() {
  return useQuery({
    queryKey: meQueryKey,
    queryFn: () => unwrap(api.GET("/api/auth/me/")),
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["LoginInputRequest"]) => unwrap(api.POST("/api/auth/login/", { body })),
    onSuccess: (user) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== "auth" });
      queryClient.setQueryData(meQueryKey, { user });
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST("/api/auth/logout/")),
    onSettled: () => {
      // Nothing of the last user's may stay in memory for the next one.
      queryClient.clear();
      queryClient.setQueryData(meQueryKey, { user: null });
    },
  });
}
