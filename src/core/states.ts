/**
 * The states of the two halves of an SCGI connection.
 *
 * Strategy: plain `as const` objects with string values, each paired with a type of the
 * same name, rather than TypeScript `enum`s. String values read well in logs and error
 * messages, and `as const` objects survive type-stripping runtimes (Node's
 * `--experimental-strip-types`, Deno, Bun) that reject `enum` and `namespace`.
 *
 * The client side uses the same values: its halves go through the same stages (headers,
 * body, done) of the other message, and one vocabulary serves code and logs on both
 * sides. A client's receive half never reports `HEADER_LENGTH` (a response has no length
 * prefix) and its transmit half never reports `NO_BODY` (every request may have a body);
 * their types say so.
 *
 * @module
 */

/**
 * The states of a receive half: a server's (request bytes in, request events out) or a
 * client's (response bytes in, response events out).
 *
 * A receive half changes state as bytes arrive, not as events are consumed, so the
 * state it reports is the one it will be in once every queued event has been taken.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; -->
 * ```ts
 * if (conn.rxState === RXState.DONE) {
 *   // the whole request has been received (its events may still be queued)
 * }
 * ```
 */
export const RXState = {
  /** Reading the decimal length that opens the environment netstring (a server only). */
  HEADER_LENGTH: "HEADER_LENGTH",
  /** Reading the environment block and the comma that closes it; on a client, the response's header block. */
  HEADERS: "HEADERS",
  /** Reading the request body, `CONTENT_LENGTH` bytes in all; on a client, the response body, up to EOF. */
  BODY: "BODY",
  /** The whole request has been received; on a client, the whole response and EOF. */
  DONE: "DONE",
  /** A protocol error happened; every later call reports it. */
  ERROR: "ERROR",
} as const;

/** One of the {@link RXState} values. */
export type RXState = (typeof RXState)[keyof typeof RXState];

/**
 * The states of a transmit half: a server's (response events in, response bytes out) or a
 * client's (request events in, request bytes out).
 */
export const TXState = {
  /** Nothing has been sent yet: the next event must be a `ResponseHeaders` (a `RequestHeaders` on a client). */
  HEADERS: "HEADERS",
  /** Headers of a document response (on a client, the request's headers) were sent: body chunks or the end may follow. */
  BODY: "BODY",
  /** A response without a document (status `null`) was sent: only the end may follow (a server only). */
  NO_BODY: "NO_BODY",
  /** The response is complete: close the connection. On a client, the request is complete: half-close it. */
  DONE: "DONE",
  /** A protocol error happened; every later call reports it. */
  ERROR: "ERROR",
} as const;

/** One of the {@link TXState} values. */
export type TXState = (typeof TXState)[keyof typeof TXState];
