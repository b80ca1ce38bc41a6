/**
 * Graceful shutdown of a real sioscgi/node server over loopback and Unix sockets: it stops
 * accepting at once, lets requests in flight finish, and ends the rest with an error the
 * web server sees.
 */

import { EventEmitter, once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import type net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "../../src/node.js";
import { withShutdown } from "../../src/serve/shutdown.js";
import { type Answer, connectTo, scgiGet, type Target } from "../support/command.js";
import { listen } from "../support/net.js";
import { signal } from "../support/signal.js";

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A server whose handler answers `/wait` only when the test says so, and streams `/stream` forever. */
function gatedServer() {
  const { fire: release, fired: released } = signal();
  const { fire: started, fired: startedPromise } = signal();
  const server = withShutdown(
    createServer(
      async (request) => {
        started();
        if (new URL(request.url).pathname === "/stream") {
          // Headers and a first chunk now, the rest never: a response that is cut short.
          return new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(new TextEncoder().encode("first part\n"));
              },
            }),
          );
        }
        await released;
        return new Response("finished\n");
      },
      { onError: () => {} },
    ),
  );
  return { server, release, started: startedPromise };
}

async function listenOnSocket(server: net.Server): Promise<string> {
  const directory = mkdtempSync(join(tmpdir(), "sioscgi-shutdown-"));
  directories.push(directory);
  const path = join(directory, "app.sock");
  server.listen(path);
  await once(server, "listening");
  return path;
}

/** Whether a new connection to `target` is refused. */
async function refused(target: Target): Promise<boolean> {
  const socket = connectTo(target);
  const [outcome] = await Promise.race([once(socket, "connect").then(() => ["connected"]), once(socket, "error")]);
  socket.destroy();
  return outcome !== "connected";
}

describe("withShutdown", () => {
  it("stops accepting at once and lets a request in flight finish", async () => {
    const { server, release, started } = gatedServer();
    const port = await listen(server);
    const answer = scgiGet(port, "/wait");
    await started;
    const stopped = server.shutdown(60_000);
    expect(await refused(port)).toBe(true);
    release();
    expect(await answer).toMatchObject({ status: 200, body: "finished\n", error: undefined });
    expect(await stopped).toEqual({ ended: 0 });
  });

  it("ends a response still in flight at the timeout with a TCP reset, never a clean close", async () => {
    const { server, started } = gatedServer();
    const port = await listen(server);
    const answer = scgiGet(port, "/stream");
    await started;
    expect(await server.shutdown(100)).toEqual({ ended: 1 });
    const { status, body, error } = await answer;
    expect(status).toBe(200);
    expect(body).toBe("first part\n");
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
  });

  it("ends a connection on a Unix socket at the timeout by closing it, as that is all a Unix socket has", async () => {
    const { server, started } = gatedServer();
    const path = await listenOnSocket(server);
    const answer: Promise<Answer> = scgiGet(path, "/wait");
    await started;
    expect(await server.shutdown(0)).toEqual({ ended: 1 });
    expect(await answer).toMatchObject({ status: null, body: "" });
    expect(await refused(path)).toBe(true);
  });

  it("returns the first call's promise when called again", async () => {
    const { server, release, started } = gatedServer();
    const port = await listen(server);
    const answer = scgiGet(port, "/wait");
    await started;
    const first = server.shutdown(60_000);
    expect(server.shutdown(0)).toBe(first);
    release();
    await answer;
    expect(await first).toEqual({ ended: 0 });
  });

  it("ends every connection on closeAllConnections and says how many", async () => {
    const { server, started } = gatedServer();
    const port = await listen(server);
    const answers = [scgiGet(port, "/wait"), scgiGet(port, "/wait")];
    await started;
    // Both connections are open once the server counts two.
    while ((await new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)))) < 2) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(server.closeAllConnections()).toBe(2);
    for (const { error } of await Promise.all(answers)) {
      expect((error as NodeJS.ErrnoException | undefined)?.code).toBe("ECONNRESET");
    }
    expect(await server.shutdown()).toEqual({ ended: 0 });
  });

  it("closes a connection that has no reset, for servers other than Node's", async () => {
    const server = new EventEmitter() as EventEmitter & { close(callback: () => void): void };
    const connection = new EventEmitter() as EventEmitter & { destroy(): void };
    connection.destroy = () => connection.emit("close");
    server.close = (callback) => connection.once("close", callback);
    const graceful = withShutdown(server);
    server.emit("connection", connection);
    expect(await graceful.shutdown(0)).toEqual({ ended: 1 });
  });

  it("resolves at once for a server that is not listening", async () => {
    expect(await gatedServer().server.shutdown()).toEqual({ ended: 0 });
  });

  it("waits with no timer for a timeout of Infinity, however long the requests take", async () => {
    const { server, release, started } = gatedServer();
    const port = await listen(server);
    const answer = scgiGet(port, "/wait");
    await started;
    const stopped = server.shutdown(Number.POSITIVE_INFINITY);
    // A timer given Infinity fires after 1 ms: the request would have been cut by now.
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    expect(await answer).toMatchObject({ status: 200, body: "finished\n", error: undefined });
    expect(await stopped).toEqual({ ended: 0 });
  });

  it.each([-1, Number.NaN, "10" as unknown as number, 2 ** 31, Number.NEGATIVE_INFINITY])(
    "rejects the timeout %j",
    (timeout) => {
      expect(() => gatedServer().server.shutdown(timeout)).toThrow(RangeError);
    },
  );
});
