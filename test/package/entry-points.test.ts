/**
 * One list of entry points: ENTRY_POINTS in tsup.config.ts. Everything else that names the
 * entry points must name the same ones, so that adding one (say `sioscgi/deno`) is one line
 * there plus what this test then asks for, and forgetting a place fails here.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ENTRY_POINTS } from "../../tsup.config.js";
import { ENTRIES, PACKAGE_JSON, ROOT } from "../support/package.js";

const typedoc = JSON.parse(readFileSync(`${ROOT}typedoc.json`, "utf8")) as { entryPoints: string[] };

describe("the entry points (ENTRY_POINTS in tsup.config.ts)", () => {
  it("are package.json's exports, each with ESM and CommonJS builds and their own declarations", () => {
    const expected: Record<string, unknown> = {};
    for (const { name } of ENTRIES) {
      expected[name === "index" ? "." : `./${name}`] = {
        import: { types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` },
        require: { types: `./dist/${name}.d.cts`, default: `./dist/${name}.cjs` },
      };
    }
    expected["./package.json"] = "./package.json";
    expect(PACKAGE_JSON.exports).toEqual(expected);
  });

  it("are package.json's typesVersions, for TypeScript resolving as node10 does (no exports map)", () => {
    const expected = Object.fromEntries(
      ENTRIES.filter(({ name }) => name !== "index").map(({ name }) => [name, [`./dist/${name}.d.ts`]]),
    );
    expect(PACKAGE_JSON.typesVersions).toEqual({ "*": expected });
  });

  it("include the package itself, which main, module and types point at", () => {
    expect(ENTRY_POINTS).toHaveProperty("index");
    expect([PACKAGE_JSON.main, PACKAGE_JSON.module, PACKAGE_JSON.types]).toEqual([
      "./dist/index.cjs",
      "./dist/index.js",
      "./dist/index.d.ts",
    ]);
  });

  it("are typedoc.json's entryPoints, in the same order", () => {
    expect(typedoc.entryPoints).toEqual(ENTRIES.map(({ source }) => source));
  });

  it.each(ENTRIES.map((entry) => [entry.specifier, entry] as const))(
    "%s names its API docs page after its import specifier (@module in its first comment)",
    (specifier, { source }) => {
      const text = readFileSync(`${ROOT}${source}`, "utf8");
      const header = text.slice(0, text.indexOf("*/"));
      expect(header).toMatch(new RegExp(`^ \\* @module ${specifier}$`, "m"));
    },
  );
});
