/**
 * One serving process, run in this process: hooks around listening, a drain on the first
 * stop signal, the end at once on the second, and the statuses it exits with. Signals are
 * emitted on `process`, as Node does when one arrives.
 */

import { mkdtempSync, rmSync, statSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Handler } from "../../src/node.js";
import type { ListenAddress } from "../../src/ops/addresses.js";
import { runService } from "../../src/ops/service.js";
import { scgiGet, type Target } from "../support/command.js";
import { close, listen } from "../support/net.js";
import { signal } from "../support/signal.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A handler whose `/wait` answers when released, with what happened recorded in `events`. */
function gated(events: string[]) {
  const { fire: release, fired: released } = signal();
  const handler: Handler = async (request) => {
    events.push("request");
    if (new URL(request.url).pathname === "/wait") await released;
    return new Response("done\n");
  };
  return { handler, release };
}

/** Starts `runService` on `addresses` and resolves once it listens and heeds SIGTERM. */
async function start(
  handler: Handler,
  events: string[],
  options: {
    addresses?: ListenAddress[];
    shutdownTimeout?: number;
    failShutdown?: boolean;
    failStartup?: boolean;
  } = {},
) {
  const lines: string[] = [];
  const listeners = process.listenerCount("SIGTERM");
  const status = runService({
    addresses: options.addresses ?? [{ kind: "tcp", host: "127.0.0.1", port: 0 }],
    createServer: () => createServer(handler, { onError: () => {} }),
    socketMode: 0o660,
    onStartup: () => {
      events.push("startup");
      if (options.failStartup) throw new Error("no database");
    },
    onShutdown: () => {
      events.push("shutdown");
      if (options.failShutdown) throw new Error("could not flush");
    },
    bindsSockets: true,
    shutdownTimeout: options.shutdownTimeout ?? 60_000,
    output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    stop: { signals: ["SIGTERM", "SIGINT"], supervised: false },
  });
  let settled = false;
  void status.then(() => {
    settled = true;
  });
  while (process.listenerCount("SIGTERM") === listeners && !settled) await new Promise((r) => setTimeout(r, 5));
  const targets = lines
    .filter((line) => line.startsWith("sioscgi: listening on "))
    .map((line): Target => {
      const address = line.slice("sioscgi: listening on ".length);
      return address.startsWith("unix:") ? address.slice(5) : Number(address.split(":").pop());
    });
  return { status, lines, targets };
}

function refused(target: Target): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof target === "number" ? net.connect(target, "127.0.0.1") : net.connect(target);
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(true));
  });
}

describe("runService", () => {
  it("runs onStartup before listening, drains on SIGTERM, then runs onShutdown and exits 0", async () => {
    const events: string[] = [];
    const { handler, release } = gated(events);
    const { status, lines, targets } = await start(handler, events);
    const [port] = targets as [number];
    expect(events).toEqual(["startup"]);
    const answer = scgiGet(port, "/wait");
    while (events.length < 2) await new Promise((r) => setTimeout(r, 5));
    process.emit("SIGTERM", "SIGTERM");
    expect(await refused(port)).toBe(true);
    expect(events).toEqual(["startup", "request"]);
    release();
    expect((await answer).body).toBe("done\n");
    expect(await status).toBe(0);
    expect(events).toEqual(["startup", "request", "shutdown"]);
    expect(lines).toEqual([
      `sioscgi: listening on 127.0.0.1:${port}`,
      "sioscgi: SIGTERM: stopped accepting; draining for up to 60000 ms",
      "sioscgi: stopped",
    ]);
    expect(process.listenerCount("SIGTERM")).toBe(0);
  });

  it("ends the requests still in flight when the timeout runs out, and says how many", async () => {
    const events: string[] = [];
    const { handler } = gated(events);
    const { status, lines, targets } = await start(handler, events, { shutdownTimeout: 50 });
    const answer = scgiGet(targets[0] as number, "/wait");
    while (events.length < 2) await new Promise((r) => setTimeout(r, 5));
    process.emit("SIGINT", "SIGINT");
    expect(await status).toBe(0);
    expect((await answer).error).toMatchObject({ code: "ECONNRESET" });
    expect(lines.at(-1)).toBe("sioscgi: stopped; 1 connections were cut short");
    expect(events.at(-1)).toBe("shutdown");
  });

  it("ends every connection at once on a second signal and exits with 128 + its number", async () => {
    const events: string[] = [];
    const { handler } = gated(events);
    const { status, lines, targets } = await start(handler, events);
    const answer = scgiGet(targets[0] as number, "/wait");
    while (events.length < 2) await new Promise((r) => setTimeout(r, 5));
    process.emit("SIGTERM", "SIGTERM");
    process.emit("SIGTERM", "SIGTERM");
    expect(await status).toBe(143);
    expect((await answer).error).toMatchObject({ code: "ECONNRESET" });
    expect(lines.at(-1)).toBe("sioscgi: SIGTERM again: ending every connection now");
    expect(process.listenerCount("SIGTERM")).toBe(0);
  });

  it("exits 1 when onShutdown fails", async () => {
    const events: string[] = [];
    const { status, lines } = await start(gated(events).handler, events, { failShutdown: true });
    process.emit("SIGTERM", "SIGTERM");
    expect(await status).toBe(1);
    expect(lines.at(-1)).toBe("sioscgi: onShutdown failed: could not flush");
  });

  it("exits 1 without listening when onStartup fails", async () => {
    const events: string[] = [];
    const { status, lines } = await start(gated(events).handler, events, { failStartup: true });
    expect(await status).toBe(1);
    expect(lines).toEqual(["sioscgi: no database"]);
    expect(events).toEqual(["startup"]);
  });

  it("closes what it opened and runs onShutdown when an address is busy", async () => {
    const events: string[] = [];
    const busy = net.createServer();
    const port = await listen(busy);
    const first = { kind: "tcp", host: "127.0.0.1", port: 0 } as const;
    const { status, lines } = await start(gated(events).handler, events, {
      addresses: [first, { kind: "tcp", host: "127.0.0.1", port }],
    });
    expect(await status).toBe(1);
    expect(lines).toEqual([`sioscgi: 127.0.0.1:${port} is in use: another server listens on it`]);
    expect(events).toEqual(["startup", "shutdown"]);
    await close(busy);
  });

  it("listens on several addresses, a Unix socket with its mode among them, and removes the socket file", async () => {
    const directory = mkdtempSync(join(tmpdir(), "sioscgi-service-"));
    directories.push(directory);
    const path = join(directory, "app.sock");
    const events: string[] = [];
    const { status, targets } = await start(gated(events).handler, events, {
      addresses: [
        { kind: "unix", path },
        { kind: "tcp", host: "127.0.0.1", port: 0 },
      ],
    });
    expect(targets[0]).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o660);
    for (const target of targets) expect((await scgiGet(target, "/")).body).toBe("done\n");
    process.emit("SIGTERM", "SIGTERM");
    expect(await status).toBe(0);
    expect(() => statSync(path)).toThrow();
  });
});
