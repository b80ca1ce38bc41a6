/**
 * The runtime-neutral exchange over a scripted connection: what it asks of the socket
 * (pause, resume, end, close) and when, which a real socket hides. The real-socket
 * behaviour is in node-socket.test.ts.
 */

import { describe, expect, it } from "vitest";
import { type CallConnection, type Connect, type ConnectionListener, exchange } from "../../src/call/exchange.js";
import type { SCGIRequestInit } from "../../src/call/request.js";
import { latin1 } from "../support/scgi.js";

/** A connection that records what the exchange does with it, and lets the test play the server. */
function scripted(): { connect: Connect; server: () => ConnectionListener; log: string[]; written: number[] } {
  let listener: ConnectionListener | undefined;
  const log: string[] = [];
  const written: number[] = [];
  const connection: CallConnection = {
    write: async (bytes) => {
      written.push(bytes.length);
    },
    end: () => log.push("end"),
    pause: () => log.push("pause"),
    resume: () => log.push("resume"),
    close: () => log.push("close"),
  };
  return {
    connect: (_, given) => {
      listener = given;
      return connection;
    },
    server: () => listener as ConnectionListener,
    log,
    written,
  };
}

/** Starts an exchange on a scripted connection, connected, with `head` already answered. */
async function answered(head: string, init: SCGIRequestInit = {}) {
  const peer = scripted();
  const pending = exchange(peer.connect, "127.0.0.1:1", init);
  peer.server().connected();
  peer.server().data(latin1(head));
  return { ...peer, response: await pending };
}

describe("the exchange over a scripted connection", () => {
  it("pauses the connection when the body's queue is full, and resumes it when the consumer reads", async () => {
    const { server, log, response } = await answered("Status: 200 OK\r\n\r\n");
    log.length = 0;
    server().data(new Uint8Array(40_000));
    expect(log).toEqual([]);
    server().data(new Uint8Array(40_000));
    expect(log).toEqual(["pause"]);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBe(40_000);
    expect(log).toEqual(["pause", "resume"]);
    server().end();
    expect((await reader.read()).value?.length).toBe(40_000);
    expect((await reader.read()).done).toBe(true);
    expect(log.at(-1)).toBe("close");
  });

  it("writes the request and half-closes; closes once the response is complete", async () => {
    const { server, log, written, response } = await answered("Status: 200 OK\r\n\r\n", { body: "abc" });
    expect(written.at(-1)).toBe(3);
    expect(log).toEqual(["end"]);
    server().data(latin1("xyz"));
    server().end();
    expect(await response.text()).toBe("xyz");
    expect(log).toEqual(["end", "close"]);
  });

  it("closes the connection when the consumer cancels the body, and takes nothing more", async () => {
    const { server, log, response } = await answered("Status: 200 OK\r\n\r\nab");
    await response.body?.cancel();
    expect(log.at(-1)).toBe("close");
    server().data(latin1("more"));
    server().end();
    expect(log.filter((entry) => entry === "close")).toHaveLength(1);
  });

  it.each([
    ["HEAD", "Status: 200 OK\r\nContent-Length: 5\r\n\r\n", { environment: { REQUEST_METHOD: "HEAD" } }],
    ["204", "Status: 204 No Content\r\n\r\n", {}],
    ["205", "Status: 205 Reset Content\r\n\r\n", {}],
    ["304", "Status: 304 Not Modified\r\n\r\n", {}],
  ])("%s: a Response without a body, and the connection closed at once", async (_, head, init) => {
    const { log, response } = await answered(head, init);
    expect(response.body).toBeNull();
    expect(log.at(-1)).toBe("close");
  });

  it("a failure after the headers errors the body, not the call", async () => {
    const { server, response } = await answered("Status: 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    server().end();
    await expect(response.text()).rejects.toMatchObject({ code: "ERR_SCGI_INCOMPLETE_RESPONSE" });
  });
});
