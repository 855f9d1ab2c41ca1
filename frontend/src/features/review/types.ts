// What the review screen works on, as the API returns it (types generated from the schema).
import type { Schemas } from "@/lib/api-client";

export type PageDetail = Schemas["PageDetail"];
export type Block = Schemas["Block"];
export type Line = Schemas["Line"];
export type Table = Schemas["Table"];
export type TableCell = Schemas["TableCell"];
export type Correction = Schemas["Correction"];

// What is selected on the page: the same kinds of thing a correction is made to.
export type Selection = { kind: Schemas["CorrectionKindEnum"]; id: number } | null;
