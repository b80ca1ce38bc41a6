/**
 * What the Deno and Bun transports share: their sockets do not buffer what is written, so
 * the transport does, in an {@link Outbox}; and they have no idle timeout to speak of, so
 * the transport keeps an {@link IdleTimer}. (Node's sockets have both built in.)
 *
 * Strategy: {@link BufferedTransport} holds the bookkeeping (backpressure marks, the
 * half-close once everything is sent, closing once both ways are done, the idle timer);
 * each runtime's subclass only moves bytes and closes its socket.
 *
 * @module
 * @internal
 */

import type { Transport, TransportEvents } from "./transport.js";

/** Bytes queued before `write` asks the driver to wait for `drained`. */
const HIGH_WATER_MARK = 65_536;

const EOF = new Uint8Array(0);

/**
 * Bytes written but not yet sent, in order. While corked (until the current turn of the
 * event loop ends), everything written is held, so that it leaves in one piece.
 *
 * @internal
 */
export class Outbox {
  readonly #chunks: Uint8Array[] = [];
  #size = 0;
  #corked = false;
  /** Sends what is held once the cork comes off. */
  readonly #flush: () => void;

  /** @param flush - Sends what is queued; called when a cork comes off. */
  constructor(flush: () => void) {
    this.#flush = flush;
  }

  /** How many bytes wait. */
  get size(): number {
    return this.#size;
  }

  /** Queues bytes after those already waiting. */
  push(bytes: Uint8Array): void {
    this.#chunks.push(bytes);
    this.#size += bytes.length;
  }

  /** Holds the bytes until the current turn of the event loop ends, then flushes. */
  cork(): void {
    if (this.#corked) return;
    this.#corked = true;
    setTimeout(() => {
      this.#corked = false;
      this.#flush();
    }, 0);
  }

  /** The bytes to send next, joined into one array; `null` if none wait or the outbox is corked. */
  peek(): Uint8Array | null {
    if (this.#corked || this.#size === 0) return null;
    if (this.#chunks.length > 1) {
      const joined = new Uint8Array(this.#size);
      let offset = 0;
      for (const chunk of this.#chunks) {
        joined.set(chunk, offset);
        offset += chunk.length;
      }
      this.#chunks.length = 0;
      this.#chunks.push(joined);
    }
    return this.#chunks[0] as Uint8Array;
  }

  /** Drops the first `count` bytes of those {@link peek} returned: they were sent. */
  sent(count: number): void {
    const first = this.#chunks[0] as Uint8Array;
    if (count >= first.length) this.#chunks.shift();
    else this.#chunks[0] = first.subarray(count);
    this.#size -= count;
  }

  /** Drops everything waiting: the connection is gone. */
  clear(): void {
    this.#chunks.length = 0;
    this.#size = 0;
  }
}

/**
 * Fires when a connection has seen no traffic for a while: re-armed on every read and
 * every write that made progress.
 *
 * @internal
 */
export class IdleTimer {
  #milliseconds = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #fire: () => void;

  /** @param fire - Called when the time is up. */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Arms the timer for `milliseconds` of silence; `0` disarms it. */
  set(milliseconds: number): void {
    this.#milliseconds = milliseconds;
    this.touch();
  }

  /** Traffic: the silence starts again. */
  touch(): void {
    clearTimeout(this.#timer);
    this.#timer = this.#milliseconds > 0 ? setTimeout(this.#fire, this.#milliseconds) : undefined;
  }
}

/**
 * A transport over a socket that sends only what the system takes at once: what it does
 * not take waits in the outbox. Subclasses move the bytes ({@link flush}), half-close and
 * close their socket, and report what the socket does through the protected methods.
 *
 * @internal
 */
export abstract class BufferedTransport implements Transport {
  /** What was written and not yet sent. */
  protected readonly outbox = new Outbox(() => this.flush());
  readonly #events: TransportEvents;
  readonly #idle: IdleTimer;
  #closed = false;
  /** Whether a `write` returned `false`, so the driver waits for `drained`. */
  #full = false;
  /** How far the sending half is: open, asked to end once flushed, or half-closed. */
  #sending: "open" | "ending" | "ended" = "open";
  /** Whether the peer has half-closed. */
  #eof = false;

  constructor(events: TransportEvents) {
    this.#events = events;
    this.#idle = new IdleTimer(() => events.timedOut());
  }

  get closed(): boolean {
    return this.#closed;
  }

  abstract pause(): void;

  abstract resume(): void;

  /** Sends what the outbox holds, as far as the socket takes it, reporting each part to {@link sent}, then calls {@link flushed}. */
  protected abstract flush(): void;

  /** Half-closes the socket: the peer sees the end of the response. */
  protected abstract shutdown(): void | Promise<void>;

  /**
   * Closes the socket at once.
   *
   * @param reset - Whether the peer must see an error (see {@link Transport.reset}).
   */
  protected abstract release(reset: boolean): void;

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return true;
    this.outbox.push(bytes);
    this.flush();
    if (this.outbox.size < HIGH_WATER_MARK) return true;
    this.#full = true;
    return false;
  }

  cork(): void {
    this.outbox.cork();
  }

  end(): void {
    if (this.#sending === "open") this.#sending = "ending";
    this.flush();
  }

  destroy(): void {
    this.close();
  }

  reset(): void {
    this.close(true);
  }

  setIdleTimeout(milliseconds: number): void {
    if (!this.#closed) this.#idle.set(milliseconds);
  }

  /** The socket received bytes. */
  protected received(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.#idle.touch();
    this.#events.receive(chunk);
  }

  /** The peer half-closed. */
  protected peerEnded(): void {
    if (this.#closed || this.#eof) return;
    this.#eof = true;
    this.#idle.touch();
    this.#events.receive(EOF);
    this.#closeIfDone();
  }

  /** The socket took the first `count` bytes of what `outbox.peek()` gave. */
  protected sent(count: number): void {
    if (this.#closed || count === 0) return;
    this.outbox.sent(count);
    this.#idle.touch();
    if (this.#full && this.outbox.size < HIGH_WATER_MARK) {
      this.#full = false;
      this.#events.drained();
    }
  }

  /** A flush is over: half-close if asked to and nothing waits. */
  protected async flushed(): Promise<void> {
    if (this.#closed || this.#sending !== "ending" || this.outbox.size > 0) return;
    this.#sending = "ended";
    try {
      await this.shutdown();
    } catch {
      this.close();
      return;
    }
    this.#closeIfDone();
  }

  /** Closes once both ways are done. */
  #closeIfDone(): void {
    if (this.#eof && this.#sending === "ended") this.close();
  }

  /** The socket is gone, or must go now (`reset`: with an error the peer sees): tells the driver, once. */
  protected close(reset = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.outbox.clear();
    this.#idle.set(0);
    this.release(reset);
    this.#events.closed();
  }
}
