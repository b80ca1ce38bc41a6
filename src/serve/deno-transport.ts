/**
 * The {@link Transport} over a Deno connection (`Deno.Conn`).
 *
 * Strategy: Deno's connections are promise-based, so this transport keeps a read loop
 * (which waits while paused) and a write pump (one at a time, which drains the outbox);
 * {@link BufferedTransport} does the bookkeeping.
 *
 * @module
 * @internal
 */

import { BufferedTransport } from "./buffered-transport.js";
import type { TransportEvents } from "./transport.js";

/**
 * The part of `Deno.Conn` this transport uses, declared here so that the published types
 * need no Deno declarations.
 *
 * @internal
 */
export interface DenoConn {
  read(buffer: Uint8Array): Promise<number | null>;
  write(bytes: Uint8Array): Promise<number>;
  closeWrite(): Promise<void>;
  close(): void;
}

/** Bytes asked of each read. Every read gets a new buffer: body events are views into it. */
const READ_SIZE = 65_536;

/** @internal */
export class DenoTransport extends BufferedTransport {
  readonly #conn: DenoConn;
  /** Set while reading is paused: resumes the read loop. */
  #resumeReading: (() => void) | null = null;
  #paused = false;
  /** Whether the pump is running. */
  #pumping = false;

  constructor(conn: DenoConn, events: TransportEvents) {
    super(events);
    this.#conn = conn;
    void this.#read();
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resumeReading?.();
  }

  protected flush(): void {
    void this.#pump();
  }

  protected shutdown(): Promise<void> {
    return this.#conn.closeWrite();
  }

  /**
   * Deno's connections cannot reset (they have no `SO_LINGER`), so a reset is a close
   * too: the peer sees a FIN, unless input was left unread, when the system resets.
   */
  protected release(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed by the other side's error: nothing left to release.
    }
    this.#resumeReading?.();
  }

  /** Reads until EOF, an error or `destroy`, waiting while paused. */
  async #read(): Promise<void> {
    while (!this.closed) {
      if (this.#paused) {
        await new Promise<void>((resolve) => {
          this.#resumeReading = resolve;
        });
        this.#resumeReading = null;
        continue;
      }
      const buffer = new Uint8Array(READ_SIZE);
      let count: number | null;
      try {
        count = await this.#conn.read(buffer);
      } catch {
        this.close();
        return;
      }
      if (count === null) {
        this.peerEnded();
        return;
      }
      this.received(buffer.subarray(0, count));
    }
  }

  /** Writes what the outbox holds, then half-closes if asked to. */
  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      for (let bytes = this.outbox.peek(); bytes !== null && !this.closed; bytes = this.outbox.peek()) {
        this.sent(await this.#conn.write(bytes));
      }
    } catch {
      this.close();
    } finally {
      this.#pumping = false;
    }
    await this.flushed();
  }
}
