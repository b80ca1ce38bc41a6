/**
 * What the Deno and Bun transports build on: the outbox (bytes waiting, joined, sent in
 * parts, held while corked), the idle timer, and BufferedTransport's bookkeeping, over a
 * scripted socket that takes as many bytes per write as a test says (the runtimes' own
 * sockets are in test/runtimes.test.ts).
 */

import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { BufferedTransport, IdleTimer, Outbox } from "../../src/serve/buffered-transport.js";
import type { TransportEvents } from "../../src/serve/transport.js";
import { latin1 } from "../support/scgi.js";

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : String.fromCharCode(...bytes));

describe("Outbox", () => {
  it("hands out what waits, joined in order, and drops what was sent, in parts", () => {
    const outbox = new Outbox(() => {});
    expect(text(outbox.peek())).toBeNull();
    outbox.push(latin1("head "));
    outbox.push(latin1("body"));
    expect(outbox.size).toBe(9);
    expect(text(outbox.peek())).toBe("head body");
    outbox.sent(3);
    expect([text(outbox.peek()), outbox.size]).toEqual(["d body", 6]);
    outbox.sent(6);
    expect([text(outbox.peek()), outbox.size]).toEqual([null, 0]);
  });

  it("holds everything while corked, then flushes it once, after the current turn", async () => {
    const flushed: (string | null)[] = [];
    const outbox = new Outbox(() => flushed.push(text(outbox.peek())));
    outbox.cork();
    outbox.cork();
    outbox.push(latin1("headers "));
    await Promise.resolve();
    outbox.push(latin1("first chunk"));
    expect(outbox.peek()).toBeNull();
    await sleep(0);
    expect(flushed).toEqual(["headers first chunk"]);
  });

  it("drops everything on clear", () => {
    const outbox = new Outbox(() => {});
    outbox.push(latin1("lost"));
    outbox.clear();
    expect([outbox.peek(), outbox.size]).toEqual([null, 0]);
  });
});

describe("IdleTimer", () => {
  it("fires after a silence, not while traffic keeps touching it, and never once disarmed", async () => {
    let fired = 0;
    const timer = new IdleTimer(() => fired++);
    // Touched well within the silence it allows: it must not fire meanwhile.
    timer.set(1000);
    for (let i = 0; i < 5; i++) {
      await sleep(10);
      timer.touch();
    }
    expect(fired).toBe(0);
    for (let waited = 0; fired === 0 && waited < 5000; waited += 20) await sleep(20);
    expect(fired).toBe(1);
    timer.set(20);
    timer.set(0);
    timer.touch();
    await sleep(100);
    expect(fired).toBe(1);
  });
});

/** A socket that takes at most `takes` bytes per write, and records what the transport does to it. */
class ScriptedTransport extends BufferedTransport {
  readonly wire: string[] = [];
  readonly calls: string[] = [];
  takes = Number.POSITIVE_INFINITY;

  pause(): void {
    this.calls.push("pause");
  }

  resume(): void {
    this.calls.push("resume");
  }

  protected flush(): void {
    for (let bytes = this.outbox.peek(); bytes !== null && !this.closed; bytes = this.outbox.peek()) {
      const count = Math.min(this.takes, bytes.length);
      if (count === 0) break;
      this.wire.push(text(bytes.subarray(0, count)) as string);
      this.sent(count);
    }
    void this.flushed();
  }

  protected shutdown(): void {
    this.calls.push("shutdown");
  }

  protected release(reset: boolean): void {
    this.calls.push(reset ? "release with a reset" : "release");
  }

  /** What the runtime's callbacks would do. */
  receive(chunk: Uint8Array): void {
    this.received(chunk);
  }

  eof(): void {
    this.peerEnded();
  }

  drain(): void {
    this.flush();
  }
}

/** Records what a transport tells the driver. */
function recorder(): { events: TransportEvents; log: string[] } {
  const log: string[] = [];
  return {
    log,
    events: {
      receive: (chunk) => log.push(`receive ${JSON.stringify(text(chunk))}`),
      drained: () => log.push("drained"),
      timedOut: () => log.push("timedOut"),
      closed: () => log.push("closed"),
    },
  };
}

describe("BufferedTransport", () => {
  it("asks the driver to wait once 64 KiB wait, and says drained when the socket took enough", () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.takes = 0;
    expect(transport.write(new Uint8Array(65_535))).toBe(true);
    expect(transport.write(new Uint8Array(1))).toBe(false);
    transport.takes = 2;
    transport.drain();
    expect(log).toEqual(["drained"]);
  });

  it("half-closes once everything is sent, and closes once the peer has half-closed too", async () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.receive(latin1("request"));
    transport.eof();
    transport.eof();
    transport.takes = 3;
    transport.write(latin1("answer"));
    transport.end();
    await Promise.resolve();
    expect(transport.wire).toEqual(["ans", "wer"]);
    expect(transport.calls).toEqual(["shutdown", "release"]);
    expect(log).toEqual(['receive "request"', 'receive ""', "closed"]);
    expect(transport.closed).toBe(true);
  });

  it("waits for the peer's half-close after its own, then closes", async () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.end();
    await Promise.resolve();
    expect([transport.calls, transport.closed]).toEqual([["shutdown"], false]);
    transport.eof();
    expect([transport.calls, log]).toEqual([
      ["shutdown", "release"],
      ['receive ""', "closed"],
    ]);
  });

  it("drops what waits on destroy, and ignores the socket from then on", () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.takes = 0;
    transport.write(latin1("lost"));
    transport.destroy();
    transport.destroy();
    transport.receive(latin1("late"));
    transport.setIdleTimeout(10);
    expect(transport.write(latin1("later"))).toBe(true);
    expect([transport.calls, log]).toEqual([["release"], ["closed"]]);
  });

  it("asks for a reset on reset, once, dropping what waits", () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.takes = 0;
    transport.write(latin1("lost"));
    transport.reset();
    transport.destroy();
    expect([transport.calls, log]).toEqual([["release with a reset"], ["closed"]]);
  });

  it("closes when the half-close fails", async () => {
    const { events, log } = recorder();
    const transport = new (class extends ScriptedTransport {
      protected override shutdown(): Promise<void> {
        return Promise.reject(new Error("gone"));
      }
    })(events);
    transport.end();
    for (let turns = 0; turns < 3; turns++) await Promise.resolve();
    expect(log).toEqual(["closed"]);
  });

  it("reports an idle connection", async () => {
    const { events, log } = recorder();
    const transport = new ScriptedTransport(events);
    transport.setIdleTimeout(10);
    for (let waited = 0; log.length === 0 && waited < 5000; waited += 20) await sleep(20);
    expect(log).toEqual(["timedOut"]);
    transport.destroy();
  });
});
