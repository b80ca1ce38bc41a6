/**
 * The `sioscgi` command run in this process (`runCommand`, which dist/cli.js calls): its
 * flags, its usage errors (status 2), the modules it accepts, and a serve-then-stop cycle.
 * test/cli.test.ts runs the built command as a process, with real signals.
 */

import { createServer as createNetServer, type Server } from "node:net";
import { describe, expect, it } from "vitest";
import { createServer } from "../../src/node.js";
import { type CommandContext, runCommand, USAGE } from "../../src/ops/command.js";
import { CLI, fixture, scgiGet } from "../support/command.js";

/** Runs the command with `argv`, collecting what it writes. */
function command(argv: string[], extra: Partial<CommandContext> = {}) {
  const lines: string[] = [];
  const listeners = process.listenerCount("SIGTERM");
  const status = runCommand({
    argv,
    script: CLI,
    fetchServer: (handler) => createServer(handler, { onError: () => {} }),
    nodeServer: () => Promise.reject(new Error("sioscgi/http is not used here")),
    output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    environment: {},
    ...extra,
  });
  let settled = false;
  void status.then(() => {
    settled = true;
  });
  const serving = async (): Promise<number> => {
    while (process.listenerCount("SIGTERM") === listeners && !settled) await new Promise((r) => setTimeout(r, 5));
    const line = lines.find((each) => each.startsWith("sioscgi: listening on "));
    return Number(line?.split(":").pop());
  };
  return { status, lines, serving };
}

describe("runCommand", () => {
  it("prints its usage for --help and exits 0", async () => {
    const { status, lines } = command(["--help"]);
    expect(await status).toBe(0);
    expect(lines).toEqual([USAGE]);
  });

  it.each([
    [[], "no command given"],
    [["start", "app.mjs"], 'unknown command "start"'],
    [["serve"], "serve needs the module to serve"],
    [["serve", "app.mjs", "extra"], 'unexpected argument "extra"'],
    [["serve", "app.mjs", "--port", "80"], "Unknown option '--port'"],
    [["serve", "app.mjs", "--listen"], "argument missing"],
    [["serve", "app.mjs", "--listen", "4000"], '"4000" is not a listen address'],
    [["serve", "app.mjs", "--workers", "0"], '--workers takes a whole number from 1 up, not "0"'],
    [["serve", "app.mjs", "--workers", "two"], '--workers takes a whole number from 1 up, not "two"'],
    [["serve", "app.mjs", "--shutdown-timeout", "5s"], "--shutdown-timeout takes a whole number from 0 up"],
    [["serve", "app.mjs", "--socket-mode", "rw"], "--socket-mode takes octal permissions such as 660, not rw"],
    [["serve", "app.mjs", "--api", "express"], '--api takes fetch or node, not "express"'],
  ])("exits 2 on the usage error in %j", async (argv, message) => {
    const { status, lines } = command(argv);
    expect(await status).toBe(2);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toBe("Run sioscgi --help for the options.");
  });

  it.each([
    ["not-an-app.mjs", [], "the default export must be a fetch handler"],
    ["throws.mjs", [], "the database is down"],
    ["missing.mjs", [], "cannot load"],
    ["object-app.mjs", ["--api", "node"], "with --api node the default export must be a request listener"],
  ])("exits 2 on a module it cannot serve (%s %j)", async (name, flags, message) => {
    const { status, lines } = command(["serve", fixture(name), ...flags, "--listen", "127.0.0.1:0"]);
    expect(await status).toBe(2);
    expect(lines.join("\n")).toContain(message);
  });

  it("exits 2 on a LISTEN_FDS meant for it that is not a count", async () => {
    const { status, lines } = command(["serve", fixture("app.mjs")], {
      environment: { LISTEN_FDS: "x", LISTEN_PID: String(process.pid) },
    });
    expect(await status).toBe(2);
    expect(lines).toEqual(['sioscgi: LISTEN_FDS="x" is not a number of sockets']);
  });

  it("exits 1 when it cannot listen", async () => {
    const busy: Server = createNetServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const { port } = busy.address() as { port: number };
    const { status, lines } = command(["serve", fixture("object-app.mjs"), "--listen", `127.0.0.1:${port}`]);
    expect(await status).toBe(1);
    expect(lines).toEqual([`sioscgi: 127.0.0.1:${port} is in use: another server listens on it`]);
    busy.close();
  });

  it("serves an object with a fetch method until SIGTERM", async () => {
    const { status, serving } = command(["serve", fixture("object-app.mjs"), "-l", "127.0.0.1:0"]);
    const port = await serving();
    expect(await scgiGet(port, "/hello")).toMatchObject({ status: 200, body: "hello GET /hello\n" });
    process.emit("SIGTERM", "SIGTERM");
    expect(await status).toBe(0);
  });

  it("serves a request listener, as it is, through sioscgi/http's server with --api node", async () => {
    const served: unknown[] = [];
    const nodeServer: CommandContext["nodeServer"] = async () => (listener) => {
      served.push(listener);
      return createServer(() => new Response("from the node server\n"));
    };
    const { status, serving } = command(["serve", fixture("app.mjs"), "--api", "node", "-l", "127.0.0.1:0"], {
      nodeServer,
    });
    const port = await serving();
    expect((await scgiGet(port, "/")).body).toBe("from the node server\n");
    expect(served).toEqual([(await import(fixture("app.mjs"))).default]);
    process.emit("SIGTERM", "SIGTERM");
    expect(await status).toBe(0);
  });
});
