/**
 * SCGIConnection: the server side of one SCGI connection, the API of sioscgi 3.0.1.
 *
 * Strategy: composition. A connection is one {@link SCGIReader} and one
 * {@link SCGIWriter}, which know nothing of each other; this class only adds the rule
 * that the first error on either half poisons both, so that after a malformed request
 * the application cannot send a response, and after a mistaken `send` it cannot read on.
 *
 * @module
 */

import type { ProtocolError } from "../core/errors.js";
import type { RequestEvent, ResponseEvent } from "../core/events.js";
import { RXState, TXState } from "../core/states.js";
import { SCGIReader, type SCGIReaderOptions } from "./request-reader.js";
import { SCGIWriter } from "./response-writer.js";

/** Options of {@link SCGIConnection}. */
export interface SCGIConnectionOptions extends SCGIReaderOptions {}

/**
 * The server side of one SCGI connection, without any I/O: feed it the bytes you read,
 * take request events from it, give it response events and write the bytes it returns.
 *
 * One connection carries one request and its response (SCGI never reuses a connection).
 * The response may start before the request has been read to its end.
 *
 * @example
 * ```ts
 * const conn = new SCGIConnection();
 * const handle = (chunk: Uint8Array) => {
 *   conn.receiveData(chunk); // an empty chunk means EOF
 *   for (const event of conn.events()) {
 *     if (event.type === "RequestEnd") {
 *       socket.write(conn.send(new ResponseHeaders("200 OK", [["Content-Type", "text/plain"]])));
 *       socket.write(conn.send(new ResponseBody(new TextEncoder().encode("hello\n"))));
 *       conn.send(new ResponseEnd());
 *       socket.end();
 *     }
 *   }
 * };
 * socket.on("data", handle);
 * socket.on("end", () => handle(new Uint8Array(0)));
 * ```
 */
export class SCGIConnection {
  /** The receive half. */
  readonly #reader: SCGIReader;

  /** The transmit half. */
  readonly #writer = new SCGIWriter();

  /** The first error met by either half; once set, every call on either half reports it. */
  #error: ProtocolError | null = null;

  /**
   * @param options - Limits; see {@link SCGIConnectionOptions}.
   * @throws `RangeError` if an option is out of range.
   */
  constructor(options: SCGIConnectionOptions = {}) {
    this.#reader = new SCGIReader(options);
  }

  /**
   * The state of the receive half once every queued event has been consumed (events are
   * parsed when bytes arrive, not when `nextEvent` is called). `ERROR` after any error.
   */
  get rxState(): RXState {
    return this.#error === null ? this.#reader.state : RXState.ERROR;
  }

  /** The state of the transmit half: what may be sent next. `ERROR` after any error. */
  get txState(): TXState {
    return this.#error === null ? this.#writer.state : TXState.ERROR;
  }

  /**
   * {@inheritDoc SCGIReader.receiveData}
   *
   * @throws {@link DataAfterEOFError} if `chunk` is not empty and EOF was given before.
   *   A malformed request never makes this method throw: {@link nextEvent} reports it.
   * @throws `TypeError` if `chunk` is not a `Uint8Array`.
   */
  receiveData(chunk: Uint8Array): void {
    // After a send error the request is of no use, so its bytes are dropped unparsed; EOF
    // is still tracked, so that a caller feeding bytes after EOF is told of its mistake.
    if (this.#writer.error !== null && chunk.length > 0 && !this.#reader.eof) return;
    try {
      this.#reader.receiveData(chunk);
    } finally {
      this.#error ??= this.#reader.error;
    }
  }

  /**
   * Returns the next request event, or `null` when none is queued.
   *
   * @throws {@link RemoteProtocolError} (a leaf class of it) if the request is malformed,
   *   and again on every later call; events queued before the error are discarded.
   * @throws {@link LocalProtocolError} if an earlier call on this connection threw one.
   */
  nextEvent(): RequestEvent | null {
    if (this.#error !== null) throw this.#error;
    return this.#reader.nextEvent();
  }

  /**
   * Takes every queued request event, in order: `for (const event of conn.events())`.
   *
   * @throws as {@link nextEvent} does, when the iteration reaches the error.
   */
  *events(): Generator<RequestEvent, void, undefined> {
    for (let event = this.nextEvent(); event !== null; event = this.nextEvent()) yield event;
  }

  /**
   * Sends a response event and returns the bytes to write; see {@link SCGIWriter.send}.
   *
   * @param event - The event to send.
   * @returns The bytes to write, or `null` after `ResponseEnd`: close the connection.
   * @throws {@link BadEventInStateError} if the event cannot be sent now.
   * @throws {@link ProtocolError} the error an earlier call met, local or remote.
   */
  send(event: ResponseEvent): Uint8Array | null {
    if (this.#error !== null) throw this.#error;
    try {
      return this.#writer.send(event);
    } finally {
      this.#error ??= this.#writer.error;
    }
  }
}
