// What the review screen works on, as the API returns it (types generated from the schema).
import type { Schemas } from "@/lib/api-client";

export type PageDetail = Schemas["PageDetail"];
export type Block = Schemas["Block"];
export type Line = Schemas["Line"];
export type Table = Schemas["Table"];
export type TableCell = Schemas["TableCell"];
export type Correction = Schemas["Correction"];

export type Selection = { kind: "line" | "block" | "cell"; id: number } | null;
