/**
 * What every interop test needs: this library's server running the interop app, a web
 * server process in front of it with a generated config in a temporary directory, and a
 * raw HTTP/1.1 client for requests whose bytes matter; for the client's tests, an SCGI
 * server process (rTorrent, uWSGI) run the same way.
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "../../src/node.js";
import { listen } from "../support/net.js";
import { type AppState, createApp } from "./app.js";

/** A web server in front of the app, as a test sees it. */
export interface Frontend {
  /** The web server's base URL, such as `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Stops the web server and removes its directory. */
  stop(): Promise<void>;
}

/** Starts a web server that forwards to the SCGI app on `appPort`. */
export type StartFrontend = (appPort: number) => Promise<Frontend>;

/** The app server and what it has seen. */
export interface App {
  readonly port: number;
  readonly state: AppState;
  readonly server: net.Server;
  readonly errors: unknown[];
}

/** Starts this library's Node server with the interop app on a free loopback port. */
export async function startApp(): Promise<App> {
  const state: AppState = { aborted: 0 };
  const errors: unknown[] = [];
  const server = createServer(createApp(state), { onError: (error) => errors.push(error) });
  return { port: await listen(server), state, server, errors };
}

/** A free loopback port (free when this returns; the caller binds it at once). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The absolute path of a program, looked up on PATH and in the sbin directories; throws if absent. */
export function program(name: string): string {
  const path = `${process.env.PATH ?? ""}:/usr/sbin:/sbin`;
  try {
    return execFileSync("sh", ["-c", `command -v ${name}`], { env: { ...process.env, PATH: path } })
      .toString()
      .trim();
  } catch {
    throw new Error(`${name} is not installed: the interop suite needs it (bash .ci/run installs it with apt-get)`);
  }
}

/**
 * A fresh temporary directory for one web server's config, logs and temp files. Readable
 * and writable by all: a web server started as root runs its workers as another user
 * (nginx's `nobody`), and they must be able to write request bodies there.
 */
export function scratchDirectory(name: string): string {
  const directory = mkdtempSync(join(tmpdir(), `sioscgi-${name}-`));
  chmodSync(directory, 0o777);
  return directory;
}

/** A server process as a test sees it: its port, what it has printed, and how to stop it. */
export interface ServerProcess {
  /** The TCP port it listens on, on loopback; 0 for a server on a Unix socket. */
  readonly port: number;
  /** Where it listens, as `scgiRequest` takes it: `127.0.0.1:port` or `unix:/path`. */
  readonly target: string;
  /** The process id, when the server is a process of its own. */
  readonly pid?: number | undefined;
  /** Everything the process has written to stdout and stderr so far. */
  output(): string;
  /** Stops the process and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Resolves once `listen` (a port on loopback, or a Unix socket path) accepts connections;
 * throws if `child` exits first or time runs out.
 */
async function waitForListener(listen: number | string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = typeof listen === "number" ? net.connect(listen, "127.0.0.1") : net.connect(listen);
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (accepted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the server did not listen on ${listen} in time:\n${output()}`);
}

/**
 * Runs a server in the foreground, with `env` added to the environment, waits until it
 * listens on `listen` (a port on loopback, or a Unix socket path), and returns it with a
 * `stop` that kills it and removes `directory`.
 */
export async function runServer(
  command: string,
  args: string[],
  listen: number | string,
  directory: string,
  env: NodeJS.ProcessEnv = {},
): Promise<ServerProcess> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    await waitForListener(listen, child, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    port: typeof listen === "number" ? listen : 0,
    target: typeof listen === "number" ? `127.0.0.1:${listen}` : `unix:${listen}`,
    pid: child.pid,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Runs a web server in the foreground, waits until it listens on `port`, and returns it as a
 * Frontend whose `stop` kills it and removes `directory`.
 */
export async function runFrontend(command: string, args: string[], port: number, directory: string): Promise<Frontend> {
  const server = await runServer(command, args, port, directory);
  return { url: `http://127.0.0.1:${port}`, port, stop: () => server.stop() };
}

/** A response read off the wire: status code, header fields in order, body. */
export interface RawResponse {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Buffer;
}

/** Decodes a chunked transfer-encoded body. */
function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    const size = Number.parseInt(data.toString("latin1", offset, lineEnd), 16);
    if (size === 0) return Buffer.concat(parts);
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

/**
 * Sends `head` (request line and headers, without the blank line; `Connection: close` is
 * added) and `body` as raw bytes, and parses the response read until the server closes.
 */
export async function rawRequest(
  port: number,
  head: string,
  body: Uint8Array = new Uint8Array(0),
): Promise<RawResponse> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, "latin1"), body]));
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const data = Buffer.concat(chunks);
  const headEnd = data.indexOf("\r\n\r\n");
  const [statusLine = "", ...lines] = data.toString("latin1", 0, headEnd).split("\r\n");
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(":");
    return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
  });
  const rest = data.subarray(headEnd + 4);
  const chunked = headers.some(([name, value]) => name === "transfer-encoding" && /chunked/i.test(value));
  return { status: Number(statusLine.split(" ")[1]), headers, body: chunked ? dechunk(rest) : rest };
}

/**
 * Starts the web server `name` (a program on PATH or in sbin) on a free loopback port: writes
 * `config(directory, port)` to `name.conf` in a fresh scratch directory and runs the program
 * with `args(configFile, directory)`, in the foreground, until the Frontend is stopped.
 */
export async function startFrontend(
  name: string,
  config: (directory: string, port: number) => string,
  args: (configFile: string, directory: string) => string[],
): Promise<Frontend> {
  const command = program(name);
  const directory = scratchDirectory(name);
  const port = await freePort();
  const configFile = join(directory, `${name}.conf`);
  writeFileSync(configFile, config(directory, port));
  return runFrontend(command, args(configFile, directory), port, directory);
}
