/**
 * Listening where the command is told to: Unix socket files (stale ones replaced, live ones
 * refused, created with their mode, removed only while still this process's own), busy
 * addresses, inherited sockets, and --socket-mode's syntax.
 */

import { once } from "node:events";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/ops/addresses.js";
import {
  ListenError,
  listenOn,
  parseSocketMode,
  prepareUnixSocket,
  SocketFiles,
  withSocketMode,
} from "../../src/ops/sockets.js";
import { close, listen } from "../support/net.js";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), "sioscgi-sockets-"));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

function server(): net.Server {
  const created = net.createServer((socket) => socket.end());
  cleanups.push(() => (created.listening ? close(created) : undefined));
  return created;
}

/** Leaves a socket file with nothing listening behind it, as a process killed with -9 does. */
async function staleSocket(path: string): Promise<void> {
  const { spawn } = await import("node:child_process");
  const child = spawn(process.execPath, [
    "-e",
    `require("node:net").createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, "SIGKILL"))`,
  ]);
  await once(child, "exit");
  expect(statSync(path).isSocket()).toBe(true);
}

describe("prepareUnixSocket", () => {
  it("replaces a socket file nothing listens behind", async () => {
    const path = join(scratch(), "app.sock");
    await staleSocket(path);
    await prepareUnixSocket(path);
    expect(await listenOn(server(), { kind: "unix", path })).toBe(`unix:${path}`);
  });

  it("refuses a socket a live server listens on, and leaves it alone", async () => {
    const path = join(scratch(), "app.sock");
    const live = server();
    live.listen(path);
    await once(live, "listening");
    await expect(prepareUnixSocket(path)).rejects.toThrow(
      new ListenError(`unix:${path} is in use: another server listens on it`),
    );
    expect(statSync(path).isSocket()).toBe(true);
  });

  it("refuses a path that is not a socket", async () => {
    const path = join(scratch(), "app.sock");
    writeFileSync(path, "data");
    await expect(prepareUnixSocket(path)).rejects.toThrow("exists and is not a socket");
  });

  it("accepts a free path", async () => {
    await expect(prepareUnixSocket(join(scratch(), "app.sock"))).resolves.toBeUndefined();
  });
});

describe("listenOn", () => {
  it.each([0o600, 0o660, 0o666])("creates the socket file with mode %o before any connection", async (mode) => {
    const path = join(scratch(), "app.sock");
    const before = process.umask();
    await listenOn(server(), { kind: "unix", path }, mode);
    // Stat at once: no connection has been made, and there is no chmod to come.
    expect(statSync(path).mode & 0o777).toBe(mode);
    expect(process.umask()).toBe(before);
  });

  it("prints the port the system chose for port 0", async () => {
    const printed = await listenOn(server(), { kind: "tcp", host: "127.0.0.1", port: 0 });
    expect(printed).toMatch(/^127\.0\.0\.1:[1-9][0-9]*$/);
  });

  it("says which address is busy", async () => {
    const port = await listen(server());
    await expect(listenOn(server(), { kind: "tcp", host: "127.0.0.1", port })).rejects.toThrow(
      new ListenError(`127.0.0.1:${port} is in use: another server listens on it`),
    );
  });

  it("says when an address is not on this machine", async () => {
    await expect(listenOn(server(), { kind: "tcp", host: "192.0.2.1", port: 0 })).rejects.toThrow(
      "192.0.2.1:0: no such address on this machine",
    );
  });

  it("says when a socket may not be created", async () => {
    await expect(listenOn(server(), { kind: "unix", path: "/proc/sioscgi.sock" })).rejects.toThrow(ListenError);
  });

  it("fails clearly on an fd that is not a socket", async () => {
    await expect(listenOn(server(), { kind: "fd", fd: 987 })).rejects.toThrow(ListenError);
  });
});

describe("SocketFiles", () => {
  it("removes the files this process created, but not one a new server made since", async () => {
    const directory = scratch();
    const [mine, replaced] = [join(directory, "mine.sock"), join(directory, "replaced.sock")];
    const files = new SocketFiles();
    for (const path of [mine, replaced]) {
      await staleSocket(path);
      files.add(path);
    }
    rmSync(replaced);
    await listenOn(server(), { kind: "unix", path: replaced });
    files.removeAll();
    expect(() => statSync(mine)).toThrow();
    expect(statSync(replaced).isSocket()).toBe(true);
    files.removeAll();
  });
});

describe("parseSocketMode", () => {
  it.each([
    ["660", 0o660],
    ["0666", 0o666],
    ["600", 0o600],
  ])("reads %s", (text, mode) => {
    expect(parseSocketMode(text)).toBe(mode);
  });

  it.each(["66", "0x1b6", "888", "rw-rw----", "06660"])("rejects %j", (text) => {
    expect(() => parseSocketMode(text)).toThrow(UsageError);
  });
});

describe("withSocketMode", () => {
  it("leaves the umask alone without a mode", () => {
    expect(withSocketMode(undefined, () => process.umask())).toBe(process.umask());
  });
});
