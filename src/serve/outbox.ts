/**
 * What the Deno and Bun transports share: bytes waiting to be sent, with a cork, and an
 * idle timer. (Node's sockets have both built in.)
 *
 * @module
 * @internal
 */

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
