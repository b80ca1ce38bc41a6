/**
 * What a response's status line and header fields may contain.
 *
 * Strategy: every string the application hands over is checked before any byte is
 * written, against the HTTP grammar (RFC 9110 and 9112) rather than a deny-list of
 * dangerous characters, so that no status, name or value can end a line early, smuggle a
 * header or split a response, and a web server never receives a field it would reject.
 * The client side holds the responses it receives to the same grammar, through the
 * predicates, and reports a violation as the server's error.
 *
 * @module
 * @internal
 */

import { isLatin1 } from "./bytes.js";
import { InvalidHeaderNameError, InvalidHeaderValueError, InvalidStatusError, NotISO88591Error } from "./errors.js";

/**
 * Header names, lower-cased, that concern one HTTP hop only: the web server manages them
 * on its connection to the client, and an SCGI application must not send them.
 */
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
 * What a response header field is to SCGI, by its lower-cased name:
 *
 * - `"status"`: `Status`, which carries the status line in a CGI header block, so an
 *   application gives it as the status, never as a header;
 * - `"content-type"` and `"location"`: the two fields CGI gives a fixed place, and a
 *   response has one of each at most;
 * - `"content-length"`: the body's length, which a client holds the body to;
 * - `"hop-by-hop"`: one of {@link HOP_BY_HOP_HEADERS}, which describe one connection only;
 * - `"other"`: every other field, passed on as it is.
 */
export type FieldKind = "status" | "content-type" | "location" | "content-length" | "hop-by-hop" | "other";

/**
 * Classifies a response header field by its name, lower-cased (a token is ASCII, so
 * `toLowerCase` is exact). The one place that says which fields SCGI treats apart: the
 * `ResponseHeaders` constructor refuses or files them by it, the client's reader records
 * or drops them by it, and the fetch bridge filters by it.
 */
export function classifyField(lowerName: string): FieldKind {
  switch (lowerName) {
    case "status":
    case "content-type":
    case "location":
    case "content-length":
      return lowerName;
    default:
      return HOP_BY_HOP_HEADERS.has(lowerName) ? "hop-by-hop" : "other";
  }
}

/**
 * The status code of a status line such as `"200 OK"`: its first three characters, which
 * {@link isStatus} guarantees are digits, as a number.
 */
export function statusCode(status: string): number {
  return Number(status.slice(0, 3));
}

/**
 * The statuses whose responses have no content (RFC 9110, sections 15.3.5, 15.3.6 and
 * 15.4.5): 204 No Content, 205 Reset Content and 304 Not Modified. A client does not hold
 * their `Content-Length` against a body, and a web `Response` refuses them one.
 */
const BODILESS_STATUSES: ReadonlySet<number> = new Set([204, 205, 304]);

/** Whether a response with status code `code` has no content (204, 205 or 304). */
export function isBodilessStatus(code: number): boolean {
  return BODILESS_STATUSES.has(code);
}

/** An RFC 9110 token: the only characters a header name (or a request method) may have. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * A status line's content after `Status: `: a final status code (200 to 599; a 1xx code
 * would make a web server switch protocols or wait for more), then optionally a space and
 * a reason phrase of visible ASCII and obs-text with spaces and tabs between (RFC 9112),
 * which, being a field value here, neither starts nor ends with whitespace.
 */
const STATUS = /^[2-5][0-9]{2}(?: [\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/**
 * A field value (RFC 9110): visible characters, obs-text, and spaces and tabs between
 * them, so no control character (CR, LF, NUL...) and no leading or trailing whitespace,
 * which a web server would strip. Empty is allowed.
 */
const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;

/**
 * Whether `status` is a final status code (200 to 599) optionally followed by a space and a
 * reason phrase, as `"200 OK"`. The client holds a received status to this too, so that it
 * can refuse, as the peer's error, what the `ResponseHeaders` constructor would refuse.
 */
export function isStatus(status: string): boolean {
  return STATUS.test(status);
}

/** Whether `name` is an RFC 9110 token, the only form a header name may take. */
export function isToken(name: string): boolean {
  return TOKEN.test(name);
}

/** Whether `value` is a field value without control characters or surrounding whitespace. */
export function isFieldValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

/**
 * Checks a status such as `"200 OK"`.
 *
 * @throws `TypeError` if it is not a string.
 * @throws {@link NotISO88591Error} or {@link InvalidStatusError}.
 */
export function checkStatus(status: string): void {
  if (typeof status !== "string") {
    throw new TypeError(`ResponseHeaders status must be a string or null, not ${typeof status}`);
  }
  if (!isLatin1(status)) throw new NotISO88591Error("Response status", status);
  if (!isStatus(status)) throw new InvalidStatusError(status);
}

/**
 * Checks one header field's name and value.
 *
 * @throws `TypeError` if either is not a string.
 * @throws {@link NotISO88591Error}, {@link InvalidHeaderNameError} or {@link InvalidHeaderValueError}.
 */
export function checkField(name: string, value: string): void {
  if (typeof name !== "string" || typeof value !== "string") {
    throw new TypeError("ResponseHeaders header names and values must be strings");
  }
  if (!isLatin1(name)) throw new NotISO88591Error("Response header name", name);
  if (!isToken(name)) throw new InvalidHeaderNameError(name);
  if (!isLatin1(value)) throw new NotISO88591Error(`Response ${name} value`, value);
  if (!isFieldValue(value)) throw new InvalidHeaderValueError(name, value);
}
