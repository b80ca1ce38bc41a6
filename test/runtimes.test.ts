/**
 * sioscgi/deno and sioscgi/bun, run by the deno and bun binaries that `npm ci` installs
 * from the dev dependencies: a test application (test/fixtures/runtime-server.mjs) served
 * by each entry point, sent requests over a real socket the way nginx would send them;
 * and the example servers (examples/deno-server.ts and examples/bun-server.ts), each
 * type-checked against the build with its runtime's own declarations, started on a free
 * port, asked once, and stopped with SIGTERM, which it must take as a graceful stop. Like
 * examples.test.ts, this needs the build in dist/ (`npm test` makes it first).
 *
 * A missing binary fails these tests; it never skips them.
 */

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parseHeaderBlock } from "./support/cgi-response.js";
import { connect, exchange, readAll } from "./support/net.js";
import { latin1, webServerRequest as request } from "./support/scgi.js";

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
  /** The command line that runs a script, after the binary, before the script's path. */
  readonly run: readonly string[];
  /** The command that type-checks the example with the runtime's declarations. */
  readonly check: () => [string, string[]];
  /**
   * How a response cut short ends: Bun can reset a connection; Deno's connections cannot
   * (they have no SO_LINGER), so the client sees a plain close there.
   */
  readonly cutShort: "with a reset" | "with a close";
}

const RUNTIMES: readonly Runtime[] = [
  {
    name: "Deno",
    binary: "deno",
    serve: ["run", "--allow-net", "--allow-env", "examples/deno-server.ts"],
    run: ["run", "--allow-net", "--allow-read"],
    // Deno's own checker. Sloppy imports only because this repository resolves "sioscgi" to
    // its own dist/ as local files, where Deno does not map tsup's "./chunk.js" specifiers
    // in the .d.ts files to their ".d.ts"; an installed package does not need it.
    check: () => [devBinary("deno"), ["check", "--unstable-sloppy-imports", "examples/deno-server.ts"]],
    cutShort: "with a close",
  },
  {
    name: "Bun",
    binary: "bun",
    serve: ["examples/bun-server.ts"],
    run: [],
    // Bun runs TypeScript without checking it: tsc does, with @types/bun.
    check: () => [
      process.execPath,
      [
        fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)),
        "-p",
        "examples/tsconfig.bun.json",
      ],
    ],
    cutShort: "with a reset",
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

/** The status, headers and body of an SCGI response. */
function parse(bytes: Uint8Array): {
  status: string | undefined;
  contentType: string | undefined;
  field: (name: string) => string | undefined;
  body: string;
  bodyBytes: Uint8Array;
} {
  const { fields, rest } = parseHeaderBlock(bytes);
  const field = (name: string): string | undefined => fields.find(([key]) => key === name)?.[1];
  const body = new TextDecoder().decode(rest);
  return { status: field("Status"), contentType: field("Content-Type"), field, body, bodyBytes: rest };
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Waits until the server has printed `line`, for up to ten seconds; returns whether it did. */
async function printed(server: Server, line: string): Promise<boolean> {
  for (let waited = 0; !server.output().includes(line) && waited < 10_000; waited += 50) await sleep(50);
  return server.output().includes(line);
}

/** Starts a server once, for the tests of one describe block, and kills it after them. */
function startedOnce(start: () => Promise<Server>): () => Promise<Server> {
  // Started by the first test that needs it, so that a missing binary or a server that
  // does not start fails every test that needs the server, rather than skipping them.
  let started: Promise<Server> | undefined;
  afterAll(async () => {
    const running = await started?.catch(() => undefined);
    if (running !== undefined && running.process.exitCode === null && running.process.signalCode === null) {
      running.process.kill("SIGKILL");
    }
  });
  return () => {
    started ??= Promise.resolve().then(start);
    return started;
  };
}

describe.each(RUNTIMES)("the server entry point on $name", (runtime) => {
  const server = startedOnce(() =>
    start(devBinary(runtime.binary), [...runtime.run, "test/fixtures/runtime-server.mjs"]),
  );

  it("answers a GET with the handler's response", { timeout: 60_000 }, async () => {
    const response = parse(await exchange((await server()).port, request("GET", "/hello")));
    expect([response.status, response.body]).toEqual(["200 OK", "GET /hello\n"]);
  });

  it("sends a HEAD response without its body", { timeout: 60_000 }, async () => {
    const response = parse(await exchange((await server()).port, request("HEAD", "/hello")));
    expect([response.status, response.field("content-length"), response.body]).toEqual(["200 OK", "12", ""]);
  });

  it("streams an 8 MiB body to the handler and back, intact (backpressure both ways)", {
    timeout: 60_000,
  }, async () => {
    const upload = new Uint8Array(8 << 20).map((_, index) => (index * 31) % 251);
    const response = parse(await exchange((await server()).port, request("POST", "/echo", upload)));
    expect(response.field("x-echo")).toBe("1");
    expect(response.bodyBytes.length).toBe(upload.length);
    expect(sha256(response.bodyBytes)).toBe(sha256(upload));
  });

  it("stops reading while the handler does not read the body (backpressure)", { timeout: 60_000 }, async () => {
    const socket = await connect((await server()).port);
    const answer = readAll(socket);
    const upload = request("POST", "/hold", new Uint8Array(32 << 20));
    socket.end(upload);
    await sleep(500);
    // The handler's stream holds 64 KiB and the kernel's buffers a few MiB: without
    // backpressure the server would have taken most of the 32 MiB by now.
    expect(socket.writableLength).toBeGreaterThan(upload.length - (8 << 20));
    expect(parse((await answer).bytes).body).toBe(`${32 << 20} bytes\n`);
  });

  it("answers 500, saying nothing of the error, when the handler throws, and reports it", {
    timeout: 60_000,
  }, async () => {
    const running = await server();
    const response = parse(await exchange(running.port, request("GET", "/throw")));
    expect([response.status, response.body]).toEqual(["500 Internal Server Error", "Internal Server Error\n"]);
    expect(await printed(running, "onError: the handler failed on purpose")).toBe(true);
  });

  it("answers a malformed request with 400 and the error's message", { timeout: 60_000 }, async () => {
    const running = await server();
    const response = parse(await exchange(running.port, latin1("not scgi")));
    expect(response.status).toBe("400 Bad Request");
    expect(response.body).toBe('Invalid netstring length: "n" where a digit or ":" belongs\n');
    expect(await printed(running, "onError: ERR_SCGI_BAD_NETSTRING_LENGTH")).toBe(true);
  });

  it("drops a client whose body stalls after idleTimeout, aborting request.signal", { timeout: 60_000 }, async () => {
    const running = await server();
    const socket = await connect(running.port);
    const answer = readAll(socket);
    socket.write(request("POST", "/wait-for-abort", new Uint8Array(10)).subarray(0, -5)); // and never more
    expect((await answer).bytes.length).toBe(0);
    expect(await printed(running, "aborted: ERR_SCGI_CLIENT_TIMEOUT")).toBe(true);
  });

  it("writes body chunks of every kind of bytes, and strings", { timeout: 60_000 }, async () => {
    const running = await server();
    expect(parse(await exchange(running.port, request("GET", "/chunks"))).body).toBe("ABCDEFGH");
  });

  it("serves a response-like object that is not a Response", { timeout: 60_000 }, async () => {
    const running = await server();
    const response = parse(await exchange(running.port, request("GET", "/like")));
    expect([response.status, response.field("x-like"), response.body]).toEqual([
      "202 Accepted",
      "1",
      "like a response",
    ]);
  });

  it(`ends a response whose body fails mid-way ${runtime.cutShort}`, { timeout: 60_000 }, async () => {
    const running = await server();
    const socket = await connect(running.port);
    const answer = readAll(socket);
    socket.end(request("GET", "/fail-midway"));
    const { bytes, error } = await answer;
    expect(parse(bytes).body).toBe("partial");
    expect(error?.message).toBe(runtime.cutShort === "with a reset" ? "read ECONNRESET" : undefined);
    expect(await printed(running, "onError: the body failed on purpose")).toBe(true);
  });

  it("aborts request.signal when the client resets the connection", { timeout: 60_000 }, async () => {
    const running = await server();
    const socket = await connect(running.port);
    socket.write(request("GET", "/wait-for-abort"));
    await sleep(100);
    socket.resetAndDestroy();
    expect(await printed(running, "aborted: ERR_SCGI_CLIENT_DISCONNECTED")).toBe(true);
  });
});

describe.each(RUNTIMES)("shutdown on $name", (runtime) => {
  // A server of its own, as this one stops it.
  const server = startedOnce(() =>
    start(devBinary(runtime.binary), [...runtime.run, "test/fixtures/runtime-server.mjs"]),
  );

  it(`lets a request in flight finish and ends a stream at the timeout ${runtime.cutShort}`, {
    timeout: 60_000,
  }, async () => {
    const running = await server();
    const exited = once(running.process, "exit");
    const socket = await connect(running.port);
    const stream = readAll(socket);
    const streaming = once(socket, "data");
    socket.end(request("GET", "/stream"));
    await streaming;
    // The request asking for the shutdown is itself in flight, and finishes.
    expect(parse(await exchange(running.port, request("GET", "/shutdown"))).body).toBe("shutting down\n");
    const { bytes, error } = await stream;
    expect(parse(bytes).body).toBe("first part\n");
    expect(error?.message).toBe(runtime.cutShort === "with a reset" ? "read ECONNRESET" : undefined);
    expect(await printed(running, 'shutdown: {"ended":1}')).toBe(true);
    // Nothing is left to keep the runtime going.
    expect(await exited, running.output()).toEqual([0, null]);
  });
});

describe.each(RUNTIMES)("examples on $name", (runtime) => {
  const server = startedOnce(() => start(devBinary(runtime.binary), runtime.serve));

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
    const response = parse(await exchange((await server()).port, request("POST", "/echo?x=1", body)));
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
