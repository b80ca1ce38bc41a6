/**
 * The six events: the three of a request (a server receives them, a client sends them) and
 * the three of a response (a server sends them, a client receives them).
 *
 * Strategy: events are small immutable classes, so `instanceof` works as it does in the
 * Python original, and each carries a readonly literal `type` so that `switch (event.type)`
 * narrows a union without any import. Every event is frozen by its constructor, so what
 * the constructor checked is what a writer finds. `ResponseHeaders` validates everything
 * in its constructor, so a mistake is reported where it was made, not later at `send`, and
 * encodes its header block there too, into a private field: `send` writes copies of those
 * bytes, and nothing done to the object or to the arrays it hands out can change them.
 *
 * @module
 */

import { BytePool } from "./byte-pool.js";
import { COLON, CR, checkBytes, LF, parseDecimal, SPACE, writeLatin1 } from "./bytes.js";
import { type EnvironmentInit, toEnvironment } from "./environment.js";
import {
  DuplicateResponseHeaderError,
  HopByHopHeaderError,
  InvalidResponseContentLengthError,
  NonDocumentHeadersError,
  StatusHeaderError,
} from "./errors.js";
import { checkField, checkStatus, classifyField } from "./header-rules.js";

/**
 * The key that tells the `RequestHeaders` constructor its environment comes from a reader:
 * a symbol no other module can reach, passed as a second argument that only
 * {@link receivedRequestHeaders} gives. Why a key and not a mark on the map (a `WeakSet`):
 * adding and removing a mark cost a few hundred nanoseconds per request, a tenth of
 * parsing one; comparing an argument costs nothing, and nothing is stored anywhere.
 */
const RECEIVED: unique symbol = Symbol("received environment");

/**
 * Makes the `RequestHeaders` of a request the reader has parsed, taking its `Map` as it is:
 * no copy and no conversion, since the reader made it with byte values and names it has
 * checked. Why not let the constructor find out: that would mean looking at every value of
 * every request a server receives, for the sake of the client's convenience.
 *
 * @internal
 */
export function receivedRequestHeaders(environment: Map<string, Uint8Array>): RequestHeaders {
  return new RequestHeaders(environment, RECEIVED);
}

/**
 * A request's headers: its environment, the CGI-style variables. A server receives it
 * first of a request's events; a client sends it first.
 *
 * To send one, build it from a `Map`, an array of `[name, value]` pairs or a plain object,
 * with string values (encoded as ISO-8859-1) or bytes. The constructor only converts; the
 * client's `send` checks that the result is a request it can send (a `CONTENT_LENGTH` of
 * ASCII digits; an `SCGI` of `1` if any; no empty name, no NUL, nothing above U+00FF in a
 * name), because the environment is a `Map` that can still change after construction, and
 * `send` is where it is written.
 *
 * @example
 * <!-- typecheck: declare const event: import("sioscgi").RequestHeaders; declare const body: Uint8Array; -->
 * ```ts
 * // received, on a server:
 * const method = new TextDecoder().decode(event.environment.get("REQUEST_METHOD"));
 * // to send, on a client:
 * new RequestHeaders({ CONTENT_LENGTH: String(body.length), REQUEST_METHOD: "POST", REQUEST_URI: "/RPC2" });
 * ```
 */
export class RequestHeaders {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "RequestHeaders" as const;

  /**
   * The environment variables, in order. Names are ISO-8859-1 text; values are bytes,
   * because HTTP header values have no defined charset and only the application knows how
   * to read them. A `Map` and not a plain object, so that a variable named `__proto__` is an
   * ordinary entry. When received, names were decoded as ISO-8859-1 and the values are
   * views into memory the reader owns, which the caller's later chunks cannot change: a
   * region of a pool shared with other requests' environments, as Node's `Buffer` pool is
   * (so read a value's `buffer` only with its `byteOffset` and `length`).
   */
  readonly environment: Map<string, Uint8Array>;

  /**
   * A reader's environment, taken as it is; see {@link receivedRequestHeaders}. Declared
   * first so that `ConstructorParameters<typeof RequestHeaders>` sees the public signature.
   *
   * @internal
   */
  constructor(environment: Map<string, Uint8Array>, received: typeof RECEIVED);
  /**
   * @param environment - The variables: a `Map`, an iterable of `[name, value]` pairs or a
   *   plain object (whose own enumerable properties are taken; use a `Map` or pairs for a
   *   variable named `__proto__`), in the order to send them. Values are strings, encoded
   *   as ISO-8859-1, or `Uint8Array`s, kept without a copy. The result is always a new `Map`.
   * @throws {@link NotISO88591Error} if a string value has a character above U+00FF.
   * @throws {@link DuplicateRequestVariableError} if pairs name a variable twice.
   * @throws `TypeError` if `environment` is not an object, an entry is not a pair, a name is
   *   not a string, or a value is neither a string nor a `Uint8Array`.
   */
  constructor(environment: EnvironmentInit);
  constructor(environment: EnvironmentInit, received?: typeof RECEIVED) {
    this.environment = received === RECEIVED ? (environment as Map<string, Uint8Array>) : toEnvironment(environment);
    Object.freeze(this);
  }
}

/**
 * A chunk of the request body.
 *
 * Zero or more of these come between {@link RequestHeaders} and {@link RequestEnd}. None
 * received is ever empty, so a request without a body produces none at all. Chunk
 * boundaries follow the chunks given to `receiveData`. A client may send any number, of
 * any size (an empty one sends nothing), as long as they add up to `CONTENT_LENGTH`.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare const client: import("sioscgi").SCGIClientConnection; -->
 * ```ts
 * // received, on a server: keep a copy if you reuse read buffers, since data is a view
 * const chunks: Uint8Array[] = [];
 * for (const event of conn.events()) if (event instanceof RequestBody) chunks.push(event.data.slice());
 * // to send, on a client (the chunks add up to CONTENT_LENGTH):
 * client.send(new RequestBody(new TextEncoder().encode("name=Ada")));
 * ```
 */
export class RequestBody {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "RequestBody" as const;

  /**
   * The body bytes. When received, this is a view into the chunk passed to `receiveData`,
   * not a copy: a caller that reuses its read buffers must copy the data it keeps.
   */
  readonly data: Uint8Array;

  /**
   * @param data - The body bytes.
   * @throws `TypeError` if `data` is not a `Uint8Array`.
   */
  constructor(data: Uint8Array) {
    this.data = checkBytes(data, "RequestBody");
    Object.freeze(this);
  }
}

/**
 * The request is complete: its headers and every body byte have been delivered by the
 * events before this one. A client's `send` answers `null`: half-close the connection for
 * writing and read the response.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare const client: import("sioscgi").SCGIClientConnection; declare const socket: import("node:net").Socket; declare function respond(): void; -->
 * ```ts
 * // received, on a server: the whole request is in
 * for (const event of conn.events()) if (event.type === "RequestEnd") respond();
 * // sent, on a client: send returns null, so half-close and read the response
 * if (client.send(new RequestEnd()) === null) socket.end();
 * ```
 */
export class RequestEnd {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "RequestEnd" as const;

  constructor() {
    Object.freeze(this);
  }
}

/**
 * The pool header blocks are carved from: the block each `ResponseHeaders` keeps, and the
 * copy each `send` returns (see `byte-pool.ts` for why a pool).
 */
const headerBlocks = new BytePool(16384);

/** The largest header block taken from the pool; a larger one gets a buffer of its own. */
const POOLED_HEADER_BLOCK_LIMIT = 4096;

/** New bytes for a header block of `size` bytes. */
function headerBlockBytes(size: number): Uint8Array {
  if (size > POOLED_HEADER_BLOCK_LIMIT) return new Uint8Array(size);
  const start = headerBlocks.reserve(size);
  return new Uint8Array(headerBlocks.bytes.buffer, start, size);
}

/** Writes the line `name: value` and its CRLF into `block` at `offset`; returns the offset after it. */
function writeHeaderLine(block: Uint8Array, offset: number, name: string, value: string): number {
  let at = writeLatin1(name, block, offset);
  block[at++] = COLON;
  block[at++] = SPACE;
  at = writeLatin1(value, block, at);
  block[at++] = CR;
  block[at++] = LF;
  return at;
}

/** The bytes of the line `name: value` and its CRLF, or none for a `null` value. */
function lineSize(name: string, value: string | null): number {
  return value === null ? 0 : name.length + value.length + 4;
}

/**
 * Encodes a header block, `Name: value` lines each ended by CRLF and then an empty line,
 * in the order CGI gives each kind of response: a document, `Content-Type`, then
 * `Status`, then the rest; a client redirect with document, `Location`, then `Status`,
 * then the document's headers; a local redirect or a client redirect without document,
 * `Location` alone (the constructor has checked that there is nothing else).
 */
function encodeHeaderBlock(
  status: string | null,
  contentType: string | null,
  location: string | null,
  otherHeaders: readonly (readonly [string, string])[],
): Uint8Array {
  let size = 2 + lineSize("Status", status) + lineSize("Content-Type", contentType) + lineSize("Location", location);
  for (const [name, value] of otherHeaders) size += lineSize(name, value);
  const block = headerBlockBytes(size);
  let offset = 0;
  if (location !== null) offset = writeHeaderLine(block, offset, "Location", location);
  if (location === null && contentType !== null) offset = writeHeaderLine(block, offset, "Content-Type", contentType);
  if (status !== null) offset = writeHeaderLine(block, offset, "Status", status);
  if (location !== null && contentType !== null) offset = writeHeaderLine(block, offset, "Content-Type", contentType);
  for (const [name, value] of otherHeaders) offset = writeHeaderLine(block, offset, name, value);
  block[offset++] = CR;
  block[offset] = LF;
  return block;
}

/** The `otherHeaders` of every `ResponseHeaders` that has none. */
const NO_HEADERS: readonly (readonly [string, string])[] = Object.freeze([]);

/** See {@link isValidated}; set by the `ResponseHeaders` class, which alone can read its private block. */
let hasHeaderBlock: (headers: ResponseHeaders) => boolean;

/** See {@link headerBlockCopy}; set by the `ResponseHeaders` class. */
let copyHeaderBlock: (headers: ResponseHeaders) => Uint8Array;

/**
 * Whether `headers` was built, and checked, by the `ResponseHeaders` constructor: an
 * object made some other way (`Object.create`, a `Proxy`) has no header block, and cannot
 * carry unchecked text to the wire.
 *
 * @internal
 */
export function isValidated(headers: ResponseHeaders): boolean {
  return hasHeaderBlock(headers);
}

/**
 * The header block the constructor encoded from what it checked, in new bytes of the
 * caller's own: changing them changes nothing for a later `send` of the same headers.
 * For a `ResponseHeaders` that {@link isValidated}.
 *
 * @internal
 */
export function headerBlockCopy(headers: ResponseHeaders): Uint8Array {
  return copyHeaderBlock(headers);
}

/**
 * The status and headers of the response: the first event a server sends, and the first a
 * client receives (with a status always: a client reads a response without one as
 * `200 OK`, or `302 Found` when it has a `Location`).
 *
 * `Content-Type` and `Location` are taken out of the headers (their names compared without
 * regard to case) into {@link contentType} and {@link location}, because SCGI, like CGI,
 * gives them a fixed place in the header block; the other headers keep their order.
 *
 * Three kinds of response can be built:
 * - a document: a status, usually a `Content-Type`, then a body;
 * - a client redirect with document: a status and a `Location`, then a body;
 * - a local redirect, or a client redirect without document: status `null` and a
 *   `Location` header only, then no body.
 *
 * @example
 * ```ts
 * new ResponseHeaders("200 OK", [["Content-Type", "text/plain"], ["Cache-Control", "no-store"]]);
 * new ResponseHeaders("404 Not Found", new Headers({ "content-type": "text/html" }));
 * new ResponseHeaders(null, [["Location", "/elsewhere"]]); // local redirect
 * ```
 */
export class ResponseHeaders {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseHeaders" as const;

  /** The status code and reason phrase, such as `"200 OK"`, or `null` for a response without a document. */
  readonly status: string | null;

  /** The value of the `Content-Type` header, or `null` if there is none. */
  readonly contentType: string | null;

  /** The value of the `Location` header, or `null` if there is none. */
  readonly location: string | null;

  /** Every header other than `Content-Type` and `Location`, as `[name, value]` pairs in order (frozen, as is each pair). */
  readonly otherHeaders: ReadonlyArray<readonly [string, string]>;

  /** The header block, encoded from what the constructor checked; `send` writes copies of it. */
  readonly #block: Uint8Array;

  static {
    hasHeaderBlock = (headers) => #block in headers;
    copyHeaderBlock = (headers) => {
      const copy = headerBlockBytes(headers.#block.length);
      copy.set(headers.#block);
      return copy;
    };
  }

  /**
   * @param status - The status code and reason phrase, such as `"200 OK"`; or `null` for a
   *   local redirect or a client redirect without document.
   * @param headers - The headers as `[name, value]` pairs: an array, a `Map` or a web `Headers`.
   * @throws {@link InvalidStatusError} if the status is not a code from 200 to 599,
   *   optionally followed by a space and a reason phrase.
   * @throws {@link InvalidHeaderNameError} if a name is not an HTTP token.
   * @throws {@link InvalidHeaderValueError} if a value holds CR, LF, NUL or another control
   *   character (a tab inside is allowed), or starts or ends with a space or tab.
   * @throws {@link NotISO88591Error} if the status or a header name or value has a
   *   character above U+00FF.
   * @throws {@link HopByHopHeaderError} if a header is hop-by-hop (`Connection`,
   *   `Keep-Alive`, `Proxy-Authenticate`, `Proxy-Authorization`, `TE`, `Trailers`,
   *   `Transfer-Encoding`, `Upgrade`).
   * @throws {@link StatusHeaderError} if a header is named `Status`.
   * @throws {@link DuplicateResponseHeaderError} if `Content-Type`, `Location` or
   *   `Content-Length` appears twice.
   * @throws {@link InvalidResponseContentLengthError} if `Content-Length` is not a whole
   *   number in ASCII digits up to 2^53 - 1: it frames the body, so it must be one number.
   * @throws {@link NonDocumentHeadersError} if `status` is `null` and the headers are not
   *   exactly one non-empty `Location`.
   * @throws `TypeError` if the status, a name or a value is not a string.
   */
  constructor(status: string | null, headers: Iterable<readonly [string, string]>) {
    if (status !== null) checkStatus(status);
    let contentType: string | null = null;
    let location: string | null = null;
    const otherHeaders: (readonly [string, string])[] = [];
    let hasContentLength = false;
    for (const [name, value] of headers) {
      checkField(name, value);
      // A token is ASCII, so lower-casing it is exact.
      switch (classifyField(name.toLowerCase())) {
        case "content-type":
          if (contentType !== null) throw new DuplicateResponseHeaderError("Content-Type");
          contentType = value;
          continue;
        case "location":
          if (location !== null) throw new DuplicateResponseHeaderError("Location");
          location = value;
          continue;
        case "status":
          throw new StatusHeaderError();
        case "hop-by-hop":
          throw new HopByHopHeaderError(name);
        case "content-length":
          if (hasContentLength) throw new DuplicateResponseHeaderError("Content-Length");
          if (parseDecimal(value) === null) throw new InvalidResponseContentLengthError(value);
          hasContentLength = true;
          break;
        default:
      }
      // Frozen, like the array: what a caller reads here is what was checked and encoded.
      otherHeaders.push(Object.freeze([name, value] as const));
    }
    if (status === null) {
      if (location === null || location === "") throw new NonDocumentHeadersError("no location");
      if (contentType !== null || otherHeaders.length > 0) throw new NonDocumentHeadersError("other headers");
    }
    this.status = status;
    this.contentType = contentType;
    this.location = location;
    // Most responses have no header but Content-Type: one frozen empty array serves them all.
    this.otherHeaders = otherHeaders.length === 0 ? NO_HEADERS : Object.freeze(otherHeaders);
    this.#block = encodeHeaderBlock(status, contentType, location, otherHeaders);
    Object.freeze(this);
  }
}

/**
 * A chunk of the response body. An empty one is allowed and sends nothing. A client
 * receives none empty, each a view into the chunk passed to `receiveData` (zero-copy).
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare const socket: import("node:net").Socket; -->
 * ```ts
 * const bytes = conn.send(new ResponseBody(new TextEncoder().encode("hello\n")));
 * if (bytes !== null) socket.write(bytes); // the same array, not a copy
 * ```
 */
export class ResponseBody {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseBody" as const;

  /**
   * The bytes to send; `send` returns this same array, not a copy. When received, a view
   * into the chunk passed to `receiveData`: copy what you keep if you reuse read buffers.
   */
  readonly data: Uint8Array;

  /**
   * @param data - The bytes to send (a Node `Buffer` works).
   * @throws `TypeError` if `data` is not a `Uint8Array`.
   */
  constructor(data: Uint8Array) {
    this.data = checkBytes(data, "ResponseBody");
    Object.freeze(this);
  }
}

/**
 * The response is complete: the last event of every response. A server's `send` answers
 * `null`: close the connection. A client receives it when the server has closed the
 * connection after a complete response.
 *
 * @example
 * <!-- typecheck: declare const conn: import("sioscgi").SCGIConnection; declare const socket: import("node:net").Socket; -->
 * ```ts
 * if (conn.send(new ResponseEnd()) === null) socket.end(); // the response is complete: close
 * ```
 */
export class ResponseEnd {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseEnd" as const;

  constructor() {
    Object.freeze(this);
  }
}

/** The events of a request: what a server's `nextEvent` returns and a client's `send` takes. */
export type RequestEvent = RequestHeaders | RequestBody | RequestEnd;

/** The events of a response: what a server's `send` takes and a client's `nextEvent` returns. */
export type ResponseEvent = ResponseHeaders | ResponseBody | ResponseEnd;
