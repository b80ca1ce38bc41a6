/**
 * The {@link Transport} over a Bun socket (from `Bun.listen`).
 *
 * Strategy: Bun's `write` never buffers: it sends what the system takes and says how
 * much, and calls `drain` when it can take more; {@link BufferedTransport} keeps the rest.
 * Bun calls back per socket, so the listener routes each callback to the socket's
 * transport (kept in `socket.data`).
 *
 * @module
 * @internal
 */

import { BufferedTransport } from "./buffered-transport.js";
import type { TransportEvents } from "./transport.js";

/**
 * The part of Bun's `Socket` this transport uses, declared here so that the published
 * types need no Bun declarations.
 *
 * @internal
 */
export interface BunSocket {
  /** Sends what the system takes at once; returns how much, or -1 once closed. */
  write(bytes: Uint8Array): number;
  /** Half-closes: sends FIN, reading goes on. */
  shutdown(): void;
  /** Closes both ways (calling the `close` callback at once). */
  end(): void;
  /** Closes at once with a TCP reset. */
  terminate(): void;
  pause(): void;
  resume(): void;
}

/** @internal */
export class BunTransport extends BufferedTransport {
  readonly #socket: BunSocket;

  constructor(socket: BunSocket, events: TransportEvents) {
    super(events);
    this.#socket = socket;
  }

  pause(): void {
    if (!this.closed) this.#socket.pause();
  }

  resume(): void {
    if (!this.closed) this.#socket.resume();
  }

  /** Bun's `data` callback. */
  onData(chunk: Uint8Array): void {
    // A copy: body events are views into it, and Bun may reuse the chunk's memory.
    this.received(chunk.slice());
  }

  /** Bun's `end` callback: the peer half-closed. */
  onEnd(): void {
    this.peerEnded();
  }

  /** Sends what the system takes, after a write, a cork or Bun's `drain`. */
  protected flush(): void {
    for (let bytes = this.outbox.peek(); bytes !== null && !this.closed; bytes = this.outbox.peek()) {
      const count = this.#socket.write(bytes);
      if (count < 0) {
        this.close();
        return;
      }
      this.sent(count);
      if (count < bytes.length) break;
    }
    void this.flushed();
  }

  /** Bun's `drain` callback. */
  onDrain(): void {
    this.flush();
  }

  /** Bun's `close` callback. */
  onClose(): void {
    this.close();
  }

  protected shutdown(): void {
    this.#socket.shutdown();
  }

  protected release(reset: boolean): void {
    // terminate() resets the connection even with nothing unread, so it is kept for a
    // response cut short. Once closed, end() and terminate() do nothing.
    if (reset) this.#socket.terminate();
    else this.#socket.end();
  }
}
