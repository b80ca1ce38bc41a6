/**
 * What `scgiRequest` is asked to send, checked and turned into request bytes before any
 * connection is opened.
 *
 * Strategy: everything that can be wrong with a request is found here, where the caller
 * gets it as a rejection and no server sees half a request: the environment's values, the
 * options, and, for a string or byte body, the body against `CONTENT_LENGTH` (the client's
 * writer sends every event at once). Only a streamed body is left to be sent, and checked,
 * chunk by chunk once connected.
 *
 * @module
 */

import { SCGIClientConnection } from "../client/connection.js";
import { decodeLatin1 } from "../core/bytes.js";
import type { EnvironmentInit } from "../core/environment.js";
import { RequestBody, RequestEnd, RequestHeaders } from "../core/events.js";
import { timeoutOption } from "../core/timeouts.js";

/**
 * What {@link scgiRequest} sends, and how long it waits.
 *
 * @example
 * <!-- typecheck: declare const upload: ReadableStream<Uint8Array>; declare const size: number; -->
 * ```ts
 * // A streamed upload: SCGI sends the body's length before the body, so a stream needs it.
 * const response = await scgiRequest("unix:/run/app/scgi.sock", {
 *   environment: { REQUEST_METHOD: "PUT", REQUEST_URI: "/files/a.bin", CONTENT_TYPE: "application/octet-stream" },
 *   body: upload,
 *   contentLength: size,
 *   timeout: 30_000, // the whole exchange, the response's body included
 *   signal: AbortSignal.timeout(60_000),
 *   rxBufferLimit: 8192, // the response's header block
 * });
 * ```
 */
export interface SCGIRequestInit {
  /**
   * The request's variables, as `RequestHeaders` takes them: a `Map`, `[name, value]` pairs
   * or a plain object, with string (ISO-8859-1) or `Uint8Array` values. What it does not
   * give is filled in: `CONTENT_LENGTH` (the body's length in bytes), `SCGI` (`1`),
   * `REQUEST_METHOD` (`POST` with a body, else `GET`) and `REQUEST_URI` (`/`).
   *
   * @defaultValue no variables: only the filled-in ones
   */
  readonly environment?: EnvironmentInit;
  /**
   * The request body: a string (sent as UTF-8), bytes, or a `ReadableStream` of
   * `Uint8Array` chunks, read with backpressure as the socket takes them. SCGI declares
   * the body's length before the body, so a stream needs {@link contentLength} (or a
   * `CONTENT_LENGTH` in the environment).
   *
   * @defaultValue none: an empty body and `REQUEST_METHOD` `GET`
   */
  readonly body?: string | Uint8Array | ReadableStream<Uint8Array> | null;
  /**
   * The body's length in bytes, for a `ReadableStream` body. A stream that ends short of
   * it or runs past it fails the exchange with a `BodyLengthMismatchError`. With a string
   * or byte body it is measured, and a value given must match it.
   */
  readonly contentLength?: number;
  /**
   * Milliseconds the whole exchange may take, from connecting to the response body's last
   * byte: from 1 to 2^31-1 (about 24.8 days, the longest a timer waits); leave it out for
   * no limit. When it runs out, the call rejects (or the body errors) with a
   * `RequestTimeoutError` and the connection is closed.
   *
   * @defaultValue no limit
   */
  readonly timeout?: number;
  /**
   * Aborting it ends the exchange: the call rejects (or the body errors) with a
   * `RequestAbortedError` whose `cause` is the signal's reason, and the connection is closed.
   */
  readonly signal?: AbortSignal;
  /**
   * The most bytes of response header block to accept, from 1 to 2^30; see
   * `SCGIClientReaderOptions.rxBufferLimit`.
   *
   * @defaultValue 65536
   */
  readonly rxBufferLimit?: number;
}

/** A request ready to go: the client connection that sent it, and what to write. */
export interface PreparedRequest {
  /** The client connection, with the request's headers sent (and all of it, unless streamed). */
  readonly connection: SCGIClientConnection;
  /** The bytes to write first: the environment netstring, then a string or byte body. */
  readonly bytes: readonly Uint8Array[];
  /** A streamed body still to send through {@link connection}, or `null`. */
  readonly stream: ReadableStream<Uint8Array> | null;
  /** Whether the request is HEAD, whose answer has no body. */
  readonly head: boolean;
  /** The `timeout` option, checked. */
  readonly timeout: number | undefined;
}

const ASCII = new TextEncoder();

/** Adds `name` with an ASCII value unless the environment has it. */
function fill(environment: Map<string, Uint8Array>, name: string, value: string): void {
  if (!environment.has(name)) environment.set(name, ASCII.encode(value));
}

/** A length in bytes, or a `RangeError`. */
function checkLength(value: number): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`contentLength must be a whole number of bytes, not ${String(value)}`);
  }
  return value;
}

/**
 * Checks a request and encodes what can be encoded before connecting.
 *
 * @throws `TypeError` for a body of another type, or a stream body without a length.
 * @throws `RangeError` for a `timeout` that is not a number of milliseconds from 1 to
 *   2^31-1 (the longest a timer waits), or a `contentLength`
 *   that is not a whole number or disagrees with the body or the environment.
 * @throws as `new RequestHeaders` and `SCGIClientConnection.send` do, for an environment
 *   that cannot be sent or a body that does not match its `CONTENT_LENGTH`.
 */
export function prepareRequest(init: SCGIRequestInit): PreparedRequest {
  const { body = null, contentLength } = init;
  const timeout = timeoutOption("timeout", init.timeout, undefined);
  const bytes = typeof body === "string" ? ASCII.encode(body) : body;
  if (bytes !== null && !(bytes instanceof Uint8Array) && !(bytes instanceof ReadableStream)) {
    throw new TypeError("An SCGI request body is a string, a Uint8Array or a ReadableStream of Uint8Array");
  }
  const headers = new RequestHeaders(init.environment ?? []);
  const environment = headers.environment;
  const declared = environment.get("CONTENT_LENGTH");
  let length = bytes instanceof Uint8Array ? bytes.length : bytes === null ? 0 : undefined;
  if (contentLength !== undefined) {
    checkLength(contentLength);
    const given = declared === undefined ? (length ?? contentLength) : Number(decodeLatin1(declared));
    if (contentLength !== given) {
      throw new RangeError(`contentLength ${contentLength} disagrees with the body's length or CONTENT_LENGTH`);
    }
    length = contentLength;
  }
  if (length === undefined && declared === undefined) {
    throw new TypeError("A ReadableStream body needs contentLength: SCGI sends the body's length before the body");
  }
  fill(environment, "CONTENT_LENGTH", String(length));
  fill(environment, "REQUEST_METHOD", body === null ? "GET" : "POST");
  fill(environment, "REQUEST_URI", "/");
  const connection = new SCGIClientConnection(
    init.rxBufferLimit === undefined ? {} : { rxBufferLimit: init.rxBufferLimit },
  );
  const written = [connection.send(headers) as Uint8Array];
  if (!(bytes instanceof ReadableStream)) {
    if (bytes !== null && bytes.length > 0) written.push(connection.send(new RequestBody(bytes)) as Uint8Array);
    connection.send(new RequestEnd());
  }
  return {
    connection,
    bytes: written,
    stream: bytes instanceof ReadableStream ? bytes : null,
    head: decodeLatin1(environment.get("REQUEST_METHOD") as Uint8Array) === "HEAD",
    timeout,
  };
}
