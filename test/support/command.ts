/**
 * Helpers for the tests of the `sioscgi` command: SCGI requests over TCP or a Unix socket,
 * and the built command (dist/cli.js) run as a process whose output a test can wait on.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { scgiRequest } from "./scgi.js";

/** The built command, as the package's `bin` runs it. */
export const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** The command tests' application modules. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../ops/fixtures/${name}`, import.meta.url));
}

/** Where an SCGI server listens: a loopback port or a Unix socket path. */
export type Target = number | string;

/** An SCGI answer, or how the connection failed. */
export interface Answer {
  readonly status: number | null;
  readonly body: string;
  readonly error: Error | undefined;
}

/** Connects to `target`. */
export function connectTo(target: Target): net.Socket {
  return typeof target === "number" ? net.connect(target, "127.0.0.1") : net.connect(target);
}

/** Sends a GET for `uri` and reads the answer until the server closes. */
export async function scgiGet(target: Target, uri: string): Promise<Answer> {
  const socket = connectTo(target);
  const chunks: Buffer[] = [];
  let error: Error | undefined;
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", (caught) => {
    error = caught;
  });
  // Not events.once: it would reject on the reset that some tests expect.
  const closed = new Promise((resolve) => socket.once("close", resolve));
  const [path = "", query = ""] = uri.split("?");
  socket.end(
    scgiRequest([
      ["CONTENT_LENGTH", "0"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "GET"],
      ["REQUEST_URI", uri],
      ["PATH_INFO", path],
      ["QUERY_STRING", query],
      ["SERVER_NAME", "app.test"],
      ["SERVER_PORT", "80"],
      ["SERVER_PROTOCOL", "HTTP/1.1"],
    ]),
  );
  await closed;
  const text = Buffer.concat(chunks).toString("latin1");
  const headEnd = text.indexOf("\r\n\r\n");
  const status = /^Status: (\d{3})/m.exec(text.slice(0, headEnd));
  return {
    status: headEnd === -1 || status === null ? null : Number(status[1]),
    body: headEnd === -1 ? text : text.slice(headEnd + 4),
    error,
  };
}

/** The command running as a process. */
export interface RunningCommand {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output; throws if the process exits first. */
  waitFor(pattern: RegExp, timeout?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit status (or the signal) once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `command` (dist/cli.js by default, through node) with `args` and extra environment. */
export function runCommandProcess(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; command?: readonly string[]; stdio?: ("pipe" | "ignore" | number)[] } = {},
): RunningCommand {
  const [program, ...prefix] = options.command ?? [process.execPath, CLI];
  const child = spawn(program as string, [...prefix, ...args], {
    env: { ...process.env, ...options.env },
    stdio: options.stdio ?? ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = once(child, "exit").then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    output: () => output,
    exited,
    async waitFor(pattern, timeout = 15_000) {
      const deadline = Date.now() + timeout;
      for (;;) {
        const match = pattern.exec(output);
        if (match !== null) return match;
        if (done || Date.now() > deadline) {
          throw new Error(`${done ? "exited" : "timed out"} before printing ${pattern}:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

/** Starts the command and resolves with it and the first listener it printed. */
export async function startServing(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ command: RunningCommand; listening: string }> {
  const command = runCommandProcess(["serve", ...args], { env });
  const [, listening = ""] = await command.waitFor(/listening on (\S+)/);
  return { command, listening };
}

/** The target a printed listener names: a port for `host:port`, a path for `unix:/path`. */
export function targetOf(listening: string): Target {
  return listening.startsWith("unix:") ? listening.slice("unix:".length) : Number(listening.split(":").pop());
}

/**
 * Runs the command as systemd's socket activation would, through
 * `systemd-socket-activate`: it binds `127.0.0.1:port`, and on the first connection runs
 * `sioscgi serve app.mjs ...flags` with the socket as fd 3, `LISTEN_FDS=1` and `LISTEN_PID`
 * set to its process id. Resolves once the socket is bound.
 */
export async function socketActivated(port: number, hooks: string, flags: readonly string[]): Promise<RunningCommand> {
  const activator = runCommandProcess([], {
    command: [
      "/usr/bin/systemd-socket-activate",
      "--listen",
      `127.0.0.1:${port}`,
      // It passes on no other variable of its own environment.
      "--setenv",
      `SIOSCGI_TEST_HOOKS=${hooks}`,
      process.execPath,
      CLI,
      "serve",
      fixture("app.mjs"),
      ...flags,
    ],
  });
  await activator.waitFor(/Listening on 127\.0\.0\.1:\d+ as 3\./);
  return activator;
}

/** What a test file that runs the command undoes after each test, last first. */
export interface TestCleanup {
  /** Adds something to undo. */
  add(cleanup: () => unknown): void;
  /** Kills `command` after the test if it is still running, and returns it. */
  reap(command: RunningCommand): RunningCommand;
  /**
   * A fresh directory, removed after the test. Open to all: a web server started as root
   * runs its workers as another user, and they must reach the sockets in it.
   */
  directory(): string;
}

/** Registers an `afterEach` that undoes what the test asked, and returns the way to ask. */
export function cleanUpAfterEach(): TestCleanup {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    add: (cleanup) => cleanups.push(cleanup),
    reap(command) {
      cleanups.push(() => {
        if (command.child.exitCode === null && command.child.signalCode === null) command.child.kill("SIGKILL");
      });
      return command;
    },
    directory() {
      const directory = mkdtempSync(join(tmpdir(), "sioscgi-command-"));
      chmodSync(directory, 0o777);
      cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
      return directory;
    },
  };
}
