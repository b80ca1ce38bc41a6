/**
 * The six events: three a server receives (the request), three it sends (the response).
 *
 * Strategy: events are small immutable classes, so `instanceof` works as it does in the
 * Python original, and each carries a readonly literal `type` so that `switch (event.type)`
 * narrows a union without any import. `ResponseHeaders` validates everything in its
 * constructor, so a mistake is reported where it was made, not later at `send`.
 *
 * @module
 */

import {
  DuplicateResponseHeaderError,
  HopByHopHeaderError,
  NonDocumentHeadersError,
  StatusHeaderError,
} from "./errors.js";
import { checkField, checkStatus, HOP_BY_HOP_HEADERS } from "./header-rules.js";

/** Returns `data` if it is a `Uint8Array`; a JavaScript caller may pass anything. */
function checkBytes(data: Uint8Array, eventName: string): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${eventName} takes a Uint8Array, not ${data === null ? "null" : typeof data}`);
  }
  return data;
}

/**
 * A request has started: its environment (the CGI-style variables) has arrived.
 *
 * @example
 * ```ts
 * const method = new TextDecoder().decode(event.environment.get("REQUEST_METHOD"));
 * ```
 */
export class RequestHeaders {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "RequestHeaders" as const;

  /**
   * The environment variables, in the order the client sent them. Names are decoded as
   * ISO-8859-1; values are left as bytes, because HTTP header values have no defined
   * charset and only the application knows how to read them. A `Map` and not a plain
   * object, so that a variable named `__proto__` is an ordinary entry.
   */
  readonly environment: Map<string, Uint8Array>;

  /** @param environment - The variables, name to value. */
  constructor(environment: Map<string, Uint8Array>) {
    this.environment = environment;
  }
}

/**
 * A chunk of the request body.
 *
 * Zero or more of these come between {@link RequestHeaders} and {@link RequestEnd}. None is
 * ever empty, so a request without a body produces none at all. Chunk boundaries follow the
 * chunks given to `receiveData`.
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
 * events before this one.
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
 * The status and headers of the response: the first event to send.
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
      const lowerName = name.toLowerCase();
      if (lowerName === "content-type") {
        if (contentType !== null) throw new DuplicateResponseHeaderError("Content-Type");
        contentType = value;
      } else if (lowerName === "location") {
        if (location !== null) throw new DuplicateResponseHeaderError("Location");
        location = value;
      } else if (lowerName === "status") {
        throw new StatusHeaderError();
      } else if (HOP_BY_HOP_HEADERS.has(lowerName)) {
        throw new HopByHopHeaderError(name);
      } else {
        otherHeaders.push([name, value]);
      }
    }
    if (status === null) {
      if (location === null || location === "")
        throw new NonDocumentHeadersError("must have a non-empty Location header");
      if (contentType !== null || otherHeaders.length > 0) {
        throw new NonDocumentHeadersError("must have no header but Location");
      }
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

/** A chunk of the response body. An empty one is allowed and sends nothing. */
export class ResponseBody {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseBody" as const;

  /** The bytes to send; `send` returns this same array, not a copy. */
  readonly data: Uint8Array;

  /**
   * @param data - The bytes to send (a Node `Buffer` works).
   * @throws `TypeError` if `data` is not a `Uint8Array`.
   */
  constructor(data: Uint8Array) {
    this.data = checkBytes(data, "ResponseBody");
  }
}

/** The response is complete: the last event of every response. `send` answers `null`: close the connection. */
export class ResponseEnd {
  /** Discriminant for `switch (event.type)`. */
  readonly type = "ResponseEnd" as const;
}

/** The events a server receives: what `nextEvent` returns. */
export type RequestEvent = RequestHeaders | RequestBody | RequestEnd;

/** The events a server sends: what `send` takes. */
export type ResponseEvent = ResponseHeaders | ResponseBody | ResponseEnd;
