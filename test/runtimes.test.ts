/**
 * The Deno and Bun example servers (examples/deno-server.ts and examples/bun-server.ts),
 * run by the deno and bun binaries that `npm ci` installs from the dev dependencies. Each
 * is type-checked against the build with its runtime's own declarations, started on a free
 * port, sent requests over a real socket the way nginx would send them, and stopped with
 * SIGTERM, which it must take as a graceful stop. Like examples.test.ts, this needs the
 * build in dist/ (`npm test` makes it first): the examples import "sioscgi" itself.
 *
 * A missing binary fails these tests; it never skips them.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseHeaderBlock } from "./support/cgi-response.js";
import { exchange } from "./support/net.js";
import { latin1, scgiRequest } from "./support/scgi.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The path of a binary a dev dependency installs into node_modules/.bin. */
function devBinary(name: string): string {
  const path = fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm ci (the ${name} package installs it)`);
  return path;
}

interface Runtime {
  readonly name: string;
  readonly binary: string;
  /** The command line that starts the example server, after the binary. */
  readonly serve: readonly string[];
  /** The command that type-checks the example with the runtime's declarations. */
  readonly check: () => [string, string[]];
}

const RUNTIMES: readonly Runtime[] = [
  {
    name: "Deno",
    binary: "deno",
    serve: ["run", "--allow-net", "--allow-env", "examples/deno-server.ts"],
    // Deno's own checker. Sloppy imports only because this repository resolves "sioscgi" to
    // its own dist/ as local files, where Deno does not map tsup's "./chunk.js" specifiers
    // in the .d.ts files to their ".d.ts"; an installed package does not need it.
    check: () => [devBinary("deno"), ["check", "--unstable-sloppy-imports", "examples/deno-server.ts"]],
  },
  {
    name: "Bun",
    binary: "bun",
    serve: ["examples/bun-server.ts"],
    // Bun runs TypeScript without checking it: tsc does, with @types/bun.
    check: () => [
      process.execPath,
      [
        fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)),
        "-p",
        "examples/tsconfig.bun.json",
      ],
    ],
  },
];

/** A running example server: the process, its port, and everything it printed. */
interface Server {
  readonly process: ChildProcess;
  readonly port: number;
  readonly output: () => string;
}

/** Starts a server with PORT=0 and waits for its `listening on HOST:PORT` line. */
async function start(binary: string, args: readonly string[]): Promise<Server> {
  const child = spawn(binary, args, {
    cwd: ROOT,
    env: { ...process.env, HOST: "127.0.0.1", PORT: "0", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 30 s:\n${output}`)), 30_000);
    const collect = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on 127\.0\.0\.1:(\d+)/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${binary} ${args.join(" ")} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { process: child, port, output: () => output };
}

/** The status, headers and body text of an SCGI response. */
function parse(bytes: Uint8Array): { status: string | undefined; contentType: string | undefined; body: string } {
  const { fields, rest } = parseHeaderBlock(bytes);
  const field = (name: string): string | undefined => fields.find(([key]) => key === name)?.[1];
  return { status: field("Status"), contentType: field("Content-Type"), body: new TextDecoder().decode(rest) };
}

describe.each(RUNTIMES)("examples on $name", (runtime) => {
  // Started by the first test that needs it, so that a missing binary or a server that
  // does not start fails every test that needs the server, rather than skipping them.
  let started: Promise<Server> | undefined;
  const server = (): Promise<Server> => {
    started ??= Promise.resolve().then(() => start(devBinary(runtime.binary), runtime.serve));
    return started;
  };

  afterAll(async () => {
    const running = await started?.catch(() => undefined);
    if (running !== undefined && running.process.exitCode === null && running.process.signalCode === null) {
      running.process.kill("SIGKILL");
    }
  });

  it("type-checks with the runtime's declarations", { timeout: 60_000 }, async () => {
    const [command, args] = runtime.check();
    await promisify(execFile)(command, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } }).catch(
      (error: Error & { stdout?: string; stderr?: string }) => {
        throw new Error(`${command} ${args.join(" ")} failed:\n${error.stdout ?? ""}${error.stderr ?? ""}`);
      },
    );
  });

  it("answers a POST with the runtime, method, path and body length", { timeout: 60_000 }, async () => {
    const body = new Uint8Array(100_000).fill(0x61);
    const request = scgiRequest(
      [
        ["CONTENT_LENGTH", String(body.length)],
        ["SCGI", "1"],
        ["REQUEST_METHOD", "POST"],
        ["REQUEST_URI", "/echo?x=1"],
        ["HTTP_HOST", "app.test"],
      ],
      body,
    );
    const response = parse(await exchange((await server()).port, request));
    expect(response.status).toBe("200 OK");
    expect(response.contentType).toBe("text/plain; charset=utf-8");
    expect(response.body).toMatch(new RegExp(`^Hello from sioscgi on ${runtime.name} \\d+\\.\\d+\\.\\d+\n`));
    expect(response.body).toContain("\nPOST /echo?x=1\nbody: 100000 bytes\n");
  });

  it("answers a malformed request with the status its error suggests", { timeout: 60_000 }, async () => {
    const response = parse(await exchange((await server()).port, latin1("not scgi")));
    expect(response.status).toBe("400 Bad Request");
    expect(response.contentType).toBe("text/plain; charset=utf-8");
    expect(response.body).toBe('Invalid netstring length: "n" where a digit or ":" belongs\n');
  });

  it("stops on SIGTERM with exit code 0", { timeout: 60_000 }, async () => {
    const { process: child, output } = await server();
    expect(child.exitCode ?? child.signalCode, `exited before SIGTERM:\n${output()}`).toBeNull();
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    expect({ code, signal }, output()).toEqual({ code: 0, signal: null });
  });
});
