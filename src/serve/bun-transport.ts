/**
 * The {@link Transport} over a Bun socket (from `Bun.listen`).
 *
 * Strategy: Bun's `write` never buffers: it sends what the system takes and says how
 * much. What it did not take waits in an {@link Outbox} until Bun's `drain` callback; the
 * driver is told to wait while the outbox is over its mark. Bun calls back per socket, so
 * the listener routes each callback to the socket's transport (kept in `socket.data`).
 *
 * @module
 * @internal
 */

import { IdleTimer, Outbox } from "./outbox.js";
import type { Transport, TransportEvents } from "./transport.js";

/**
 * The part of Bun's `Socket` this transport uses, declared here so that the published
 * types need no Bun declarations.
 *
 * @internal
 */
export interface BunSocket {
  write(bytes: Uint8Array): number;
  /** Half-closes: sends FIN, reading goes on. */
  shutdown(): void;
  /** Closes both ways (calling the `close` callback at once). */
  end(): void;
  pause(): void;
  resume(): void;
}

/** Bytes queued before `write` asks the driver to wait for `drained`. */
const HIGH_WATER_MARK = 65_536;

const EOF = new Uint8Array(0);

/** @internal */
export class BunTransport implements Transport {
  readonly #socket: BunSocket;
  readonly #events: TransportEvents;
  readonly #outbox = new Outbox(() => this.drain());
  readonly #idle: IdleTimer;
  #closed = false;
  /** Whether a `write` returned `false`, so the driver waits for `drained`. */
  #full = false;
  /** How far the sending half is: open, asked to end once flushed, or half-closed. */
  #sending: "open" | "ending" | "ended" = "open";
  /** Whether the peer has half-closed. */
  #eof = false;

  constructor(socket: BunSocket, events: TransportEvents) {
    this.#socket = socket;
    this.#events = events;
    this.#idle = new IdleTimer(() => events.timedOut());
  }

  get closed(): boolean {
    return this.#closed;
  }

  pause(): void {
    if (!this.#closed) this.#socket.pause();
  }

  resume(): void {
    if (!this.#closed) this.#socket.resume();
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return true;
    this.#outbox.push(bytes);
    this.drain();
    if (this.#outbox.size < HIGH_WATER_MARK) return true;
    this.#full = true;
    return false;
  }

  cork(): void {
    this.#outbox.cork();
  }

  end(): void {
    if (this.#sending === "open") this.#sending = "ending";
    this.drain();
  }

  destroy(): void {
    if (this.#closed) return;
    // Not terminate(), which resets the connection even with nothing unread.
    this.#socket.end();
    this.close();
  }

  setIdleTimeout(milliseconds: number): void {
    if (!this.#closed) this.#idle.set(milliseconds);
  }

  /** Bun's `data` callback. */
  data(chunk: Uint8Array): void {
    if (this.#closed) return;
    this.#idle.touch();
    // A copy: body events are views into it, and Bun may reuse the chunk's memory.
    this.#events.receive(chunk.slice());
  }

  /** Bun's `end` callback: the peer half-closed. */
  peerEnded(): void {
    if (this.#closed || this.#eof) return;
    this.#eof = true;
    this.#idle.touch();
    this.#events.receive(EOF);
    this.#closeIfDone();
  }

  /** Bun's `drain` callback, and the flush after a write or a cork: sends what the system takes. */
  drain(): void {
    for (let bytes = this.#outbox.peek(); bytes !== null && !this.#closed; bytes = this.#outbox.peek()) {
      const count = this.#socket.write(bytes);
      if (count < 0) {
        this.destroy();
        return;
      }
      if (count > 0) {
        this.#outbox.sent(count);
        this.#idle.touch();
      }
      if (count < bytes.length) break;
    }
    if (this.#full && this.#outbox.size < HIGH_WATER_MARK) {
      this.#full = false;
      this.#events.drained();
    }
    if (this.#sending === "ending" && this.#outbox.size === 0 && !this.#closed) {
      this.#sending = "ended";
      this.#socket.shutdown();
      this.#closeIfDone();
    }
  }

  /** Closes once both ways are done. */
  #closeIfDone(): void {
    if (this.#eof && this.#sending === "ended") {
      this.#socket.end();
      this.close();
    }
  }

  /** Bun's `close` callback, and the end of `destroy`: the socket is gone. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.clear();
    this.#idle.set(0);
    this.#events.closed();
  }
}
