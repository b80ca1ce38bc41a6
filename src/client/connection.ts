/**
 * SCGIClientConnection: the client side of one SCGI connection, the mirror of
 * `SCGIConnection`.
 *
 * Strategy: composition, as on the server side. A client connection is one
 * {@link SCGIClientWriter} (the request out) and one {@link SCGIClientReader} (the
 * response in), which know nothing of each other; this class adds the rule that the first
 * error on either half poisons both, and tells the reader the request's method, which
 * decides whether the response has a body. The reader is therefore made when the request
 * headers are sent, or when the first response bytes arrive if that comes first.
 *
 * @module
 */

import { decodeLatin1 } from "../core/bytes.js";
import type { ProtocolError } from "../core/errors.js";
import { type RequestEvent, RequestHeaders, type ResponseEvent } from "../core/events.js";
import { rxBufferLimitOption } from "../core/receive-loop.js";
import { RXState, TXState } from "../core/states.js";
import { SCGIClientWriter } from "./request-writer.js";
import { SCGIClientReader } from "./response-reader.js";

/** Options of {@link SCGIClientConnection}. */
export interface SCGIClientConnectionOptions {
  /**
   * The most bytes of response header block to accept, from 1 to 2^30; see
   * {@link SCGIClientReaderOptions.rxBufferLimit}.
   *
   * @defaultValue 65536
   */
  readonly rxBufferLimit?: number;
}

/** The `REQUEST_METHOD` of headers `send` has accepted (so every value is bytes), if any. */
function requestMethod(headers: RequestHeaders): string | undefined {
  const method = headers.environment.get("REQUEST_METHOD");
  return method === undefined ? undefined : decodeLatin1(method);
}

/**
 * The client side of one SCGI connection, without any I/O: give it request events and
 * write the bytes it returns, feed it the bytes you read and take response events from it.
 *
 * One connection carries one request and its response; the server closes the connection
 * after the response, and that EOF is what completes it.
 *
 * @example
 * ```ts
 * import net from "node:net";
 * import { RequestBody, RequestEnd, RequestHeaders, SCGIClientConnection } from "sioscgi";
 *
 * const body = new TextEncoder().encode(
 *   '<?xml version="1.0"?><methodCall><methodName>system.client_version</methodName></methodCall>',
 * );
 * const conn = new SCGIClientConnection();
 * const socket = net.connect(5000, "127.0.0.1");
 * socket.write(conn.send(new RequestHeaders({ CONTENT_LENGTH: String(body.length) })));
 * socket.write(conn.send(new RequestBody(body)));
 * conn.send(new RequestEnd()); // null: half-close, then read the response
 * socket.end();
 * socket.on("data", (chunk) => conn.receiveData(chunk));
 * socket.on("end", () => {
 *   conn.receiveData(new Uint8Array(0));
 *   for (const event of conn.events()) console.log(event); // ResponseHeaders, ResponseBody*, ResponseEnd
 * });
 * ```
 */
export class SCGIClientConnection {
  /** The transmit half. */
  readonly #writer = new SCGIClientWriter();

  /** The receive half, made once the request's method is known (or a response arrives first). */
  #reader: SCGIClientReader | null = null;

  /** The checked `rxBufferLimit`, for the reader. */
  readonly #rxBufferLimit: number;

  /** The first error met by either half; once set, every call on either half reports it. */
  #error: ProtocolError | null = null;

  /**
   * @param options - Limits; see {@link SCGIClientConnectionOptions}.
   * @throws `RangeError` if `rxBufferLimit` is not an integer from 1 to 2^30.
   */
  constructor(options: SCGIClientConnectionOptions = {}) {
    this.#rxBufferLimit = rxBufferLimitOption(options.rxBufferLimit);
  }

  /**
   * The state of the receive half once every queued event has been consumed: `HEADERS`
   * (the initial state: a response has no length prefix, so never `HEADER_LENGTH`),
   * `BODY`, `DONE` (the response and EOF have arrived), or `ERROR` after any error.
   */
  get rxState(): Exclude<RXState, typeof RXState.HEADER_LENGTH> {
    if (this.#error !== null) return RXState.ERROR;
    return this.#reader === null ? RXState.HEADERS : this.#reader.state;
  }

  /**
   * The state of the transmit half: `HEADERS`, `BODY`, `DONE` (never `NO_BODY`, which only
   * a server's response has), or `ERROR` after any error.
   */
  get txState(): Exclude<TXState, typeof TXState.NO_BODY> {
    return this.#error === null ? this.#writer.state : TXState.ERROR;
  }

  /**
   * Sends a request event and returns the bytes to write; see {@link SCGIClientWriter.send}.
   *
   * @param event - `RequestHeaders`, then `RequestBody` events adding up to its
   *   `CONTENT_LENGTH`, then `RequestEnd`.
   * @returns The bytes to write, or `null` after `RequestEnd`: half-close the connection
   *   for writing (`socket.end()`) and keep reading.
   * @throws as {@link SCGIClientWriter.send} does; every {@link ProtocolError} poisons the connection.
   * @throws {@link ProtocolError} the error an earlier call met, local or remote.
   */
  send(event: RequestEvent): Uint8Array | null {
    if (this.#error !== null) throw this.#error;
    try {
      const bytes = this.#writer.send(event);
      if (event instanceof RequestHeaders) this.#readerFor(requestMethod(event));
      return bytes;
    } finally {
      this.#error ??= this.#writer.error;
    }
  }

  /**
   * {@inheritDoc SCGIClientReader.receiveData}
   *
   * @throws {@link DataAfterEOFError} if `chunk` is not empty and EOF was given before.
   *   A malformed response never makes this method throw: {@link nextEvent} reports it.
   * @throws `TypeError` if `chunk` is not a `Uint8Array`.
   */
  receiveData(chunk: Uint8Array): void {
    const reader = this.#readerFor(undefined);
    // After a send error the response is of no use, so its bytes are dropped unparsed; EOF
    // is still tracked, so that a caller feeding bytes after EOF is told of its mistake.
    if (this.#writer.error !== null && chunk.length > 0 && !reader.eof) return;
    try {
      reader.receiveData(chunk);
    } finally {
      this.#error ??= reader.error;
    }
  }

  /**
   * Returns the next response event, or `null` when none is queued.
   *
   * @throws {@link RemoteProtocolError} (a leaf class of it) if the response is malformed,
   *   and again on every later call; events queued before the error are discarded.
   * @throws {@link LocalProtocolError} if an earlier call on this connection threw one.
   */
  nextEvent(): ResponseEvent | null {
    if (this.#error !== null) throw this.#error;
    return this.#reader?.nextEvent() ?? null;
  }

  /**
   * Takes every queued response event, in order: `for (const event of conn.events())`.
   *
   * @throws as {@link nextEvent} does, when the iteration reaches the error.
   */
  *events(): Generator<ResponseEvent, void, undefined> {
    for (let event = this.nextEvent(); event !== null; event = this.nextEvent()) yield event;
  }

  /** The reader, made now for a response to `method` if there is none yet. */
  #readerFor(method: string | undefined): SCGIClientReader {
    if (this.#reader === null) {
      this.#reader = new SCGIClientReader(
        method === undefined
          ? { rxBufferLimit: this.#rxBufferLimit }
          : { rxBufferLimit: this.#rxBufferLimit, requestMethod: method },
      );
    }
    return this.#reader;
  }
}
