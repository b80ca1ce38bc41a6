import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    fetch: "src/fetch/index.ts",
    node: "src/node.ts",
    http: "src/http.ts",
    testing: "src/testing.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared chunks in both formats, so that every entry point uses the same core classes
  // (one RequestHeaders, one ProtocolError...) and instanceof works across them.
  splitting: true,
  target: "es2022",
  // Class names are public (error `name`s come from them): never minify.
  minify: false,
});
