// What this server can run (GET /api/config/): the pipelines and options whose models are
// installed, and what an upload gets when it leaves them out (the admin's runtime settings).
import { useQuery } from "@tanstack/react-query";

import { type Schemas, api, unwrap } from "@/lib/api-client";

export type UploadConfig = Schemas["Config"];
export type OptionChoice = Schemas["OptionChoice"];
export type Pipeline = Schemas["PipelineEnum"];

export function useUploadConfig() {
  return useQuery({ queryKey: ["config"], queryFn: () => unwrap(api.GET("/api/config/")) });
}

export function offeredPipelines(config: UploadConfig): Pipeline[] {
  return config.pipelines.filter((p) => p.available).map((p) => p.name);
}

export function offeredOptions(config: UploadConfig, pipeline: Pipeline): OptionChoice[] {
  return config.options.filter((o) => o.available && o.pipelines.includes(pipeline));
}

// Only the flags the user set away from the default are sent, so the server's defaults hold for
// the rest; a flag the chosen pipeline does not take is never sent (the server would refuse it).
export function changedOptions(
  offered: OptionChoice[],
  chosen: Record<string, boolean>,
): Record<string, boolean> {
  const changed: Record<string, boolean> = {};
  for (const { name, default: byDefault } of offered) {
    const value = chosen[name];
    if (value !== undefined && value !== byDefault) changed[name] = value;
  }
  return changed;
}
