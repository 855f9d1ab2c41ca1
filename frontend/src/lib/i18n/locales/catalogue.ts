import type { en } from "./en";

// What a translation must hold: every English key but the `_one` plural forms, which a language
// with one plural form (Chinese) does without. A missing key fails the type check.
export type Catalogue = {
  [K in keyof typeof en as K extends `${string}_one` ? never : K]: string;
};
