/**
 * The house rules of src/, checked on the sources: each folder's role shows in what it may
 * import, nothing imports upward, and only the Node entry points reach `node:` modules.
 */

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Every source file, as a path relative to src/ with forward slashes. */
const FILES = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts"))
  .map((file) => file.split(path.sep).join("/"))
  .sort();

/** What each file imports or re-exports: relative specifiers resolved to src/ paths, and bare ones as they are. */
function imports(file: string): string[] {
  const source = readFileSync(path.join(SRC, file), "utf8");
  return [...source.matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map(([, specifier]) => {
    const spec = specifier as string;
    if (!spec.startsWith(".")) return spec;
    return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, ".ts");
  });
}

/** The folder a file belongs to, or `"entry"` for the entry points at the top of src/. */
function folder(file: string): string {
  return file.includes("/") ? (file.split("/")[0] as string) : "entry";
}

/**
 * Which folders each folder may import from. `core` is role-free; `server` and `client` are
 * the two roles and know only the core; the adapters build on them; `ops` (running servers
 * in production: listeners, shutdown, workers) knows servers only by their `net.Server`
 * shape and handlers by their type (and the core's timer rule), so that serve's servers take their shutdown from it; `call` (the client's one-call `scgiRequest`) drives a
 * client connection and answers with a web `Response`; the entry points at the top may use
 * anything below them.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  core: ["core"],
  server: ["core", "server"],
  client: ["core", "client"],
  fetch: ["core", "fetch"],
  serve: ["core", "server", "fetch", "serve"],
  ops: ["core", "fetch", "serve", "ops"],
  http: ["core", "server", "fetch", "serve", "ops", "http"],
  call: ["core", "client", "fetch", "call"],
  entry: ["core", "server", "client", "fetch", "serve", "ops", "http", "call"],
};

/**
 * The files that may import `node:` modules: the Node entry points, the Node transport, the
 * parts of `ops` that work with processes, files and sockets (its address parsing and its
 * shutdown, which fit any server of the right shape, stay portable), and the socket under
 * the client's one-call `scgiRequest`.
 */
const NODE_FILES = new Set([
  "node.ts",
  "http.ts",
  "cli.ts",
  "serve/node-transport.ts",
  "ops/app-module.ts",
  "ops/command.ts",
  "ops/notify.ts",
  "ops/service.ts",
  "ops/sockets.ts",
  "ops/supervisor.ts",
  "call/node-socket.ts",
]);

describe("src/ layout", () => {
  it("has no file outside the known folders", () => {
    for (const file of FILES) expect(Object.keys(MAY_IMPORT), file).toContain(folder(file));
  });

  /**
   * The command serves through the Node entry points, as a user's own script would: the
   * one entry point that may import the others.
   */
  const ENTRY_USERS = new Set(["cli.ts"]);

  it.each(FILES)("%s imports only from the folders its role allows", (file) => {
    const allowed = [...(MAY_IMPORT[folder(file)] ?? []), ...(ENTRY_USERS.has(file) ? ["entry"] : [])];
    for (const target of imports(file)) {
      if (target.startsWith("node:")) continue;
      expect(target, `${file} imports a package: the library has no dependencies`).toMatch(/\.ts$/);
      expect(allowed, `${file} imports ${target}`).toContain(folder(target));
      expect(FILES, `${file} imports ${target}, which does not exist`).toContain(target);
    }
  });

  it.each(FILES)("%s imports a node: module only if it is Node's own code", (file) => {
    const nodeImports = imports(file).filter((target) => target.startsWith("node:"));
    if (!NODE_FILES.has(file)) expect(nodeImports, file).toEqual([]);
  });

  /** Every file `entry` reaches through its imports, type-only ones included, to be strict. */
  function reach(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file) || file.startsWith("node:")) return;
      seen.add(file);
      for (const target of imports(file)) visit(target);
    };
    visit(entry);
    return seen;
  }

  // One rule in one place: the statuses whose responses have no content are the core's.
  it("lists the statuses without content (204, 205, 304) only in core/header-rules.ts", () => {
    const listing = /\[[^\]]*\b204\b[^\]]*\b205\b[^\]]*\b304\b[^\]]*\]/;
    const listed = FILES.filter((file) => listing.test(readFileSync(path.join(SRC, file), "utf8")));
    expect(listed).toEqual(["core/header-rules.ts"]);
  });

  it.each(["index.ts", "fetch/index.ts", "testing.ts", "deno.ts", "bun.ts"])("%s reaches no node: module", (entry) => {
    const reached = reach(entry);
    for (const file of reached) expect(NODE_FILES.has(file), `${entry} reaches ${file}`).toBe(false);
    expect(reached.size).toBeGreaterThan(3);
  });
});
