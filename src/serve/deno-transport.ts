/**
 * The {@link Transport} over a Deno connection (`Deno.Conn`).
 *
 * Strategy: Deno's connections are promise-based and unbuffered, so this transport keeps
 * a read loop (which waits while paused) and a write pump (which drains an
 * {@link Outbox}, telling the driver `drained` once it is under its mark). The connection
 * closes once both ways are done, or at once on `destroy` or any error.
 *
 * @module
 * @internal
 */

import { IdleTimer, Outbox } from "./outbox.js";
import type { Transport, TransportEvents } from "./transport.js";

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

/** Bytes queued before `write` asks the driver to wait for `drained`. */
const HIGH_WATER_MARK = 65_536;

const EOF = new Uint8Array(0);

/** @internal */
export class DenoTransport implements Transport {
  readonly #conn: DenoConn;
  readonly #events: TransportEvents;
  readonly #outbox = new Outbox(() => void this.#pump());
  readonly #idle: IdleTimer;
  #closed = false;
  /** Set while reading is paused: resumes the read loop. */
  #resumeReading: (() => void) | null = null;
  #paused = false;
  /** Whether the pump is running. */
  #pumping = false;
  /** Whether a `write` returned `false`, so the driver waits for `drained`. */
  #full = false;
  /** How far the sending half is: open, asked to end once flushed, or half-closed. */
  #sending: "open" | "ending" | "ended" = "open";
  /** Whether the peer has half-closed. */
  #eof = false;

  constructor(conn: DenoConn, events: TransportEvents) {
    this.#conn = conn;
    this.#events = events;
    this.#idle = new IdleTimer(() => events.timedOut());
    void this.#read();
  }

  get closed(): boolean {
    return this.#closed;
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resumeReading?.();
  }

  write(bytes: Uint8Array): boolean {
    if (this.#closed) return true;
    this.#outbox.push(bytes);
    void this.#pump();
    if (this.#outbox.size < HIGH_WATER_MARK) return true;
    this.#full = true;
    return false;
  }

  cork(): void {
    this.#outbox.cork();
  }

  end(): void {
    if (this.#sending === "open") this.#sending = "ending";
    void this.#pump();
  }

  destroy(): void {
    this.#close();
  }

  setIdleTimeout(milliseconds: number): void {
    if (!this.#closed) this.#idle.set(milliseconds);
  }

  /** Reads until EOF, an error or `destroy`, waiting while paused. */
  async #read(): Promise<void> {
    while (!this.#closed) {
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
        this.#close();
        return;
      }
      if (this.#closed) return;
      this.#idle.touch();
      if (count === null) {
        this.#eof = true;
        this.#events.receive(EOF);
        this.#closeIfDone();
        return;
      }
      this.#events.receive(buffer.subarray(0, count));
    }
  }

  /** Writes what the outbox holds, then half-closes if asked to. One pump runs at a time. */
  async #pump(): Promise<void> {
    if (this.#pumping || this.#closed) return;
    this.#pumping = true;
    try {
      for (let bytes = this.#outbox.peek(); bytes !== null; bytes = this.#outbox.peek()) {
        const count = await this.#conn.write(bytes);
        if (this.#closed) return;
        this.#outbox.sent(count);
        this.#idle.touch();
        if (this.#full && this.#outbox.size < HIGH_WATER_MARK) {
          this.#full = false;
          this.#events.drained();
        }
      }
      if (this.#sending === "ending" && this.#outbox.size === 0) {
        this.#sending = "ended";
        await this.#conn.closeWrite();
        this.#closeIfDone();
      }
    } catch {
      this.#close();
    } finally {
      this.#pumping = false;
    }
  }

  /** Closes once both ways are done. */
  #closeIfDone(): void {
    if (this.#eof && this.#sending === "ended") this.#close();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#outbox.clear();
    this.#idle.set(0);
    try {
      this.#conn.close();
    } catch {
      // Already closed by the other side's error: nothing left to release.
    }
    this.#resumeReading?.();
    this.#events.closed();
  }
}
