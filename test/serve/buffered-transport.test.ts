/**
 * What the Deno and Bun transports build on: the outbox (bytes waiting, joined, sent in
 * parts, held while corked) and the idle timer.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { IdleTimer, Outbox } from "../../src/serve/buffered-transport.js";
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
