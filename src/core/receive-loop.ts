/**
 * What the two receive halves share: the server's reader (request bytes in) and the
 * client's reader (response bytes in).
 *
 * Strategy: a small abstract base class, {@link ReceiveLoop}, owns everything that does
 * not depend on the message: the argument check, EOF, the sticky error (the first one
 * wins and ends parsing), the event queue and the consumer's side (`nextEvent`,
 * `events()`). A reader supplies two hooks: what to do with the bytes of a chunk from an
 * offset on, and what EOF means for the message it reads. A base class rather than a
 * member object, so that the public methods and their documentation exist once and the
 * hot path is one call into the reader's own dispatch, with no forwarding layer.
 *
 * @module
 */

import { checkBytes } from "./bytes.js";
import { DataAfterEOFError, type ProtocolError } from "./errors.js";
import { EventQueue } from "./event-queue.js";

/** The default `rxBufferLimit` of both readers. */
const DEFAULT_RX_BUFFER_LIMIT = 65536;

/**
 * The largest `rxBufferLimit` either reader accepts: 1 GiB, far beyond any real
 * environment. With no leading zero allowed, a netstring length therefore fails at its
 * 10th digit at the latest, long before its value could stop being exact.
 */
const MAX_RX_BUFFER_LIMIT = 2 ** 30;

/**
 * Checks an `rxBufferLimit` option and applies its default. Both readers take
 * it: the server's for the environment, the client's for the response's header block.
 *
 * @throws `RangeError` if it is not an integer from 1 to 2^30.
 * @internal
 */
export function rxBufferLimitOption(rxBufferLimit = DEFAULT_RX_BUFFER_LIMIT): number {
  if (!Number.isInteger(rxBufferLimit) || rxBufferLimit < 1 || rxBufferLimit > MAX_RX_BUFFER_LIMIT) {
    throw new RangeError(`rxBufferLimit must be an integer from 1 to ${MAX_RX_BUFFER_LIMIT}, not ${rxBufferLimit}`);
  }
  return rxBufferLimit;
}

/**
 * The share `[offset, offset + taken)` of a received chunk that belongs to the body, as
 * the bytes of a body event: the chunk itself when it is all body (the common case of a
 * large upload or download, and no allocation), otherwise a view into it. Never a copy.
 *
 * @internal
 */
export function bodyView(chunk: Uint8Array, offset: number, taken: number): Uint8Array {
  return offset === 0 && taken === chunk.length ? chunk : chunk.subarray(offset, offset + taken);
}

/**
 * The receive loop of a reader: bytes in through {@link receiveData}, parsed events out
 * through {@link nextEvent}. `SCGIReader` (a server reading a request) and
 * `SCGIClientReader` (a client reading a response) are the two readers.
 *
 * @typeParam Event - The events the reader produces.
 */
export abstract class ReceiveLoop<Event> {
  /** The first error met; once set, the reader is dead and every call reports it. */
  #error: ProtocolError | null = null;

  /** Whether `receiveData` has been given an empty chunk. */
  #eof = false;

  /** Events parsed but not yet returned. */
  readonly #queue = new EventQueue<Event>();

  /** The error that stopped the reader, or `null` while it is healthy. */
  get error(): ProtocolError | null {
    return this.#error;
  }

  /** Whether `receiveData` has been told of EOF (given an empty chunk). */
  get eof(): boolean {
    return this.#eof;
  }

  /**
   * Feeds bytes received from the peer. Parses as far as they allow and queues the
   * resulting events for {@link nextEvent}.
   *
   * Body events are views into `chunk`: do not overwrite it while they are in use.
   * Once an error has been recorded, further bytes are ignored.
   *
   * @param chunk - The bytes received (a Node `Buffer` works), or an empty array when the
   *   peer has closed its side of the connection (EOF). On a client, EOF ends the response.
   * @throws {@link DataAfterEOFError} if `chunk` is not empty and EOF was given before.
   *   A malformed request or response never makes this method throw: {@link nextEvent}
   *   reports it.
   * @throws `TypeError` if `chunk` is not a `Uint8Array`.
   */
  receiveData(chunk: Uint8Array): void {
    checkBytes(chunk, "receiveData");
    if (chunk.length === 0) {
      this.#eof = true;
      if (this.#error === null) this.receiveEOF();
      return;
    }
    if (this.#eof) {
      const error = new DataAfterEOFError(chunk.length);
      this.#error ??= error;
      throw error;
    }
    let offset = 0;
    while (offset < chunk.length && this.#error === null) offset = this.receiveFrom(chunk, offset);
  }

  /**
   * Returns the next queued event, or `null` when none is queued (feed more bytes).
   *
   * @throws {@link RemoteProtocolError} (a leaf class of it) if the request or response
   *   is malformed, and again on every later call; events queued before the error are
   *   discarded.
   * @throws {@link LocalProtocolError} if an earlier call threw one.
   */
  nextEvent(): Event | null {
    if (this.#error !== null) throw this.#error;
    return this.#queue.shift();
  }

  /**
   * Takes every queued event, in order: `for (const event of reader.events())`.
   *
   * @throws as {@link nextEvent} does, when the iteration reaches the error.
   */
  *events(): Generator<Event, void, undefined> {
    for (let event = this.nextEvent(); event !== null; event = this.nextEvent()) yield event;
  }

  /**
   * Consumes the bytes of `chunk` from `offset` on that belong to the current part of the
   * message, and returns the offset after them. Called only while the reader is healthy,
   * until the chunk is used up or an error is recorded.
   *
   * @internal
   */
  protected abstract receiveFrom(chunk: Uint8Array, offset: number): number;

  /**
   * The peer closed its side: completes the message or records why it is incomplete.
   * Called once, and only while the reader is healthy.
   *
   * @internal
   */
  protected abstract receiveEOF(): void;

  /**
   * Queues an event for {@link nextEvent}.
   *
   * @internal
   */
  protected queue(event: Event): void {
    this.#queue.push(event);
  }

  /**
   * Records the error that stops the reader; the first one recorded wins.
   *
   * @internal
   */
  protected fail(error: ProtocolError): void {
    this.#error ??= error;
  }
}
