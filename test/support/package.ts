/** The package as users get it: its entry points, their import specifiers and their built files. */

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ENTRY_POINTS } from "../../tsup.config.js";

/** The repository's root directory, with a trailing slash. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** package.json, as far as the tests read it. */
export const PACKAGE_JSON = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as {
  name: string;
  exports: Record<string, unknown>;
  typesVersions: Record<string, Record<string, string[]>>;
  main: string;
  module: string;
  types: string;
};

/** One entry point: its dist/ name, its source file and what a user imports. */
export interface EntryPoint {
  readonly name: string;
  readonly source: string;
  /** `sioscgi` for index, `sioscgi/fetch` for fetch. */
  readonly specifier: string;
}

/** Every entry point, in ENTRY_POINTS order (the one list, in tsup.config.ts). */
export const ENTRIES: readonly EntryPoint[] = Object.entries(ENTRY_POINTS).map(([name, source]) => ({
  name,
  source,
  specifier: name === "index" ? PACKAGE_JSON.name : `${PACKAGE_JSON.name}/${name}`,
}));
