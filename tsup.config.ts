import { defineConfig } from "tsup";

/**
 * The package's entry points: the dist/ name of each and its source. This is the one list:
 * package.json's `exports` and `typesVersions` and typedoc.json's `entryPoints` must name
 * the same, which test/package/entry-points.test.ts checks (it says what to add where).
 * `index` is the package itself (`sioscgi`); every other key is a subpath (`sioscgi/fetch`).
 */
export const ENTRY_POINTS = {
  index: "src/index.ts",
  fetch: "src/fetch/index.ts",
  node: "src/node.ts",
  http: "src/http.ts",
  deno: "src/deno.ts",
  bun: "src/bun.ts",
  testing: "src/testing.ts",
} as const;

/** The programs the package installs (`bin` in package.json), built beside the entry points. */
export const COMMANDS = {
  cli: "src/cli.ts",
} as const;

export default defineConfig({
  entry: { ...ENTRY_POINTS, ...COMMANDS },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared chunks in both formats, so that every entry point uses the same core classes
  // (one RequestHeaders, one ProtocolError...) and instanceof works across them.
  splitting: true,
  target: "es2022",
  // Class names are public (error `name`s and messages come from them): never minify, and
  // keep them through the CommonJS build, whose class-field transform would otherwise
  // leave every class with a field named `_class`.
  minify: false,
  keepNames: true,
});
