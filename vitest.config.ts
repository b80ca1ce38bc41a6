import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real web servers: npm run test:interop.
    exclude: ["test/interop/**"],
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      // Deno's and Bun's servers run only in those runtimes (test/runtimes.test.ts starts
      // them as processes), where Node's coverage cannot see them.
      exclude: ["src/deno.ts", "src/bun.ts", "src/serve/deno-transport.ts", "src/serve/bun-transport.ts"],
      reporter: ["text", "text-summary"],
      thresholds: { lines: 95, branches: 95, functions: 95, statements: 95 },
    },
  },
});
