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

import { isLatin1 } from "./bytes.js";
import { HopByHopHeaderError, NonDocumentHeadersError, NotISO88591Error } from "./errors.js";

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
  readonly environment: ReadonlyMap<string, Uint8Array>;

  /** @param environment - The variables, name to value. */
  constructor(environment: ReadonlyMap<string, Uint8Array>) {
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

/** Header names, lower-cased, that only make sense for one HTTP hop and that an SCGI application must not send. */
const HOP_BY_HOP_HEADERS: ReadonlySet<string> = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailers",
  "transfer-encoding",
  "upgrade",
]);

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

  /** The value of the first `Content-Type` header, or `null` if there is none. */
  readonly contentType: string | null;

  /** The value of the first `Location` header, or `null` if there is none. */
  readonly location: string | null;

  /** Every header other than `Content-Type` and `Location`, as `[name, value]` pairs in order. */
  readonly otherHeaders: ReadonlyArray<readonly [string, string]>;

  /**
   * @param status - The status code and reason phrase, such as `"200 OK"`; or `null` for a
   *   local redirect or a client redirect without document.
   * @param headers - The headers as `[name, value]` pairs: an array, a `Map` or a web `Headers`.
   * @throws {@link HopByHopHeaderError} if a header is hop-by-hop (`Connection`,
   *   `Keep-Alive`, `Proxy-Authenticate`, `Proxy-Authorization`, `TE`, `Trailers`,
   *   `Transfer-Encoding`, `Upgrade`).
   * @throws {@link NotISO88591Error} if the status or a header name or value has a
   *   character above U+00FF.
   * @throws {@link NonDocumentHeadersError} if `status` is `null` and the headers are not
   *   exactly one `Location`.
   * @throws `TypeError` if the status, a name or a value is not a string.
   */
  constructor(status: string | null, headers: Iterable<readonly [string, string]>) {
    if (status !== null && typeof status !== "string") {
      throw new TypeError(`ResponseHeaders status must be a string or null, not ${typeof status}`);
    }
    let contentType: string | null = null;
    let location: string | null = null;
    const otherHeaders: (readonly [string, string])[] = [];
    for (const [name, value] of headers) {
      if (typeof name !== "string" || typeof value !== "string") {
        throw new TypeError("ResponseHeaders header names and values must be strings");
      }
      const lowerName = name.toLowerCase();
      if (lowerName === "content-type") {
        contentType ??= value;
      } else if (lowerName === "location") {
        location ??= value;
      } else {
        if (HOP_BY_HOP_HEADERS.has(lowerName)) throw new HopByHopHeaderError(name);
        otherHeaders.push([name, value]);
      }
    }
    this.status = status;
    this.contentType = contentType;
    this.location = location;
    this.otherHeaders = otherHeaders;
    this.#checkEncodable();
    if (status === null) this.#checkNonDocument();
  }

  /** Throws unless every string this response will put on the wire fits in ISO-8859-1. */
  #checkEncodable(): void {
    for (const [name, value] of this.otherHeaders) {
      if (!isLatin1(name)) throw new NotISO88591Error("header name", name);
      if (!isLatin1(value)) throw new NotISO88591Error(`${name} value`, value);
    }
    if (this.contentType !== null && !isLatin1(this.contentType)) {
      throw new NotISO88591Error("Content-Type value", this.contentType);
    }
    if (this.location !== null && !isLatin1(this.location)) {
      throw new NotISO88591Error("Location value", this.location);
    }
    if (this.status !== null && !isLatin1(this.status)) throw new NotISO88591Error("status", this.status);
  }

  /** Throws unless a response without a document carries a `Location` and nothing else. */
  #checkNonDocument(): void {
    if (this.location === null) throw new NonDocumentHeadersError("must have a Location header");
    if (this.contentType !== null || this.otherHeaders.length > 0) {
      throw new NonDocumentHeadersError("must have no header but Location");
    }
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
