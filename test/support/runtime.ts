/** Which JavaScript runtime runs the tests, for the suites that run on Node, Deno and Bun. */

/** The runtime and its version: `"Deno 2.9.5"`, `"Bun 1.4.5"` or `"Node v20.20.2"`. */
export function runtime(): string {
  // Deno and Bun both provide `process` (with a Node-like `process.version`), so look for
  // their own globals first.
  const deno = (globalThis as { Deno?: { version: { deno: string } } }).Deno;
  if (deno !== undefined) return `Deno ${deno.version.deno}`;
  const bun = (globalThis as { Bun?: { version: string } }).Bun;
  if (bun !== undefined) return `Bun ${bun.version}`;
  return `Node ${process.version}`;
}
