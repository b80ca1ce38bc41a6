/**
 * The six events: the three of a request (a server receives them, a client sends them) and
 * the three of a response (a server sends them, a client receives them).
 *
 * Strategy: events are small immutable classes, so `instanceof` works as it does in the
 * Python original, and each carries a readonly literal `type` so that `switch (event.type)`
 * narrows a union without any import. `ResponseHeaders` validates everything in its
 * constructor, so a mistake is reported where it was made, not later at `send`.
 *
 * @module
 */

import { checkBytes } from "./bytes.js";
import { type EnvironmentInit, toEnvironment } from "./environment.js";
import {
  DuplicateResponseHeaderError,
  HopByHopHeaderError,
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
   * ordinary entry. When received, names were decoded as ISO-8859-1 and the values live in
   * a buffer the reader owns.
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
  }
}

/**
 * A chunk of the request body.
 *
 * Zero or more of these come between {@link RequestHeaders} and {@link RequestEnd}. None
 * received is ever empty, so a request without a body produces none at all. Chunk
 * boundaries follow the chunks given to `receiveData`. A client may send any number, of
 * any size (an empty one sends nothing), as long as they add up to `CONTENT_LENGTH`.
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
  }
}

/**
 * The request is complete: its headers and every body byte have been delivered by the
 * events before this one. A client's `send` answers `null`: half-close the connection for
 * writing and read the response.
 */
export class RequestEnd {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "RequestEnd" as const;
}

/**
 * Every `ResponseHeaders` that passed its constructor's checks. The writer encodes only
 * these, so an object made some other way (`Object.create`, a copy with changed fields)
 * cannot carry unchecked text to the wire.
 */
const VALIDATED = new WeakSet<ResponseHeaders>();

/**
 * Whether `headers` was built, and checked, by the `ResponseHeaders` constructor.
 *
 * @internal
 */
export function isValidated(headers: ResponseHeaders): boolean {
  return VALIDATED.has(headers);
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

  /** Every header other than `Content-Type` and `Location`, as `[name, value]` pairs in order (frozen). */
  readonly otherHeaders: ReadonlyArray<readonly [string, string]>;

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
   * @throws {@link DuplicateResponseHeaderError} if `Content-Type` or `Location` appears twice.
   * @throws {@link NonDocumentHeadersError} if `status` is `null` and the headers are not
   *   exactly one non-empty `Location`.
   * @throws `TypeError` if the status, a name or a value is not a string.
   */
  constructor(status: string | null, headers: Iterable<readonly [string, string]>) {
    if (status !== null) checkStatus(status);
    let contentType: string | null = null;
    let location: string | null = null;
    const otherHeaders: (readonly [string, string])[] = [];
    for (const [name, value] of headers) {
      checkField(name, value);
      // A token is ASCII, so lower-casing it is exact.
      switch (classifyField(name.toLowerCase())) {
        case "content-type":
          if (contentType !== null) throw new DuplicateResponseHeaderError("Content-Type");
          contentType = value;
          break;
        case "location":
          if (location !== null) throw new DuplicateResponseHeaderError("Location");
          location = value;
          break;
        case "status":
          throw new StatusHeaderError();
        case "hop-by-hop":
          throw new HopByHopHeaderError(name);
        default:
          otherHeaders.push([name, value]);
      }
    }
    if (status === null) {
      if (location === null || location === "") throw new NonDocumentHeadersError("no location");
      if (contentType !== null || otherHeaders.length > 0) throw new NonDocumentHeadersError("other headers");
    }
    this.status = status;
    this.contentType = contentType;
    this.location = location;
    this.otherHeaders = Object.freeze(otherHeaders);
    // Frozen, so that nothing checked above can be changed before it is written.
    Object.freeze(this);
    VALIDATED.add(this);
  }
}

/**
 * A chunk of the response body. An empty one is allowed and sends nothing. A client
 * receives none empty, each a view into the chunk passed to `receiveData` (zero-copy).
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
  }
}

/**
 * The response is complete: the last event of every response. A server's `send` answers
 * `null`: close the connection. A client receives it when the server has closed the
 * connection after a complete response.
 */
export class ResponseEnd {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseEnd" as const;
}

/** The events of a request: what a server's `nextEvent` returns and a client's `send` takes. */
export type RequestEvent = RequestHeaders | RequestBody | RequestEnd;

/** The events of a response: what a server's `send` takes and a client's `nextEvent` returns. */
export type ResponseEvent = ResponseHeaders | ResponseBody | ResponseEnd;
