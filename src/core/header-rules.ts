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

/** Bit of {@link CHARACTER_CLASSES}: an RFC 9110 token character, the only kind a header name (or a request method) may have. */
const TOKEN_CHARACTER = 1;

/** Bit of {@link CHARACTER_CLASSES}: a visible character or obs-text, which may start and end a field value. */
const VISIBLE_CHARACTER = 2;

/** Bit of {@link CHARACTER_CLASSES}: a space or a tab, which may stand between a field value's characters. */
const BLANK_CHARACTER = 4;

/**
 * The classes of each ISO-8859-1 character, by code: one table lookup per character checks
 * a name or a value in one pass, where a regular expression and a separate ISO-8859-1
 * check made two.
 */
const CHARACTER_CLASSES = (() => {
  const classes = new Uint8Array(256);
  for (const character of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") {
    classes[character.charCodeAt(0)] = TOKEN_CHARACTER;
  }
  for (let code = 0x21; code <= 0xff; code++)
    if (code !== 0x7f) classes[code] = (classes[code] as number) | VISIBLE_CHARACTER;
  classes[0x20] = BLANK_CHARACTER;
  classes[0x09] = BLANK_CHARACTER;
  return classes;
})();

/** The class bits of the character at `index` of `text`; 0 for a character above U+00FF. */
function characterClass(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code > 0xff ? 0 : (CHARACTER_CLASSES[code] as number);
}

/**
 * A status line's content after `Status: `: a final status code (200 to 599; a 1xx code
 * would make a web server switch protocols or wait for more), then optionally a space and
 * a reason phrase, which, being a field value here, is visible characters and obs-text
 * with spaces and tabs between (RFC 9112) and neither starts nor ends with whitespace.
 */
const STATUS_CODE = /^[2-5][0-9]{2}$/;

/**
 * Statuses found valid before, so that the usual few (`"200 OK"`, `"404 Not Found"`...)
 * are checked by one look-up. A status is a string, which cannot change, so a status once
 * valid stays valid. Bounded, so that an application making endless distinct statuses only
 * stops adding to it.
 */
const VALID_STATUSES = new Set<string>();

/** How many statuses {@link VALID_STATUSES} remembers. */
const VALID_STATUSES_LIMIT = 256;

/**
 * Whether `status` is a final status code (200 to 599) optionally followed by a space and a
 * reason phrase, as `"200 OK"`. The client holds a received status to this too, so that it
 * can refuse, as the peer's error, what the `ResponseHeaders` constructor would refuse.
 */
export function isStatus(status: string): boolean {
  if (VALID_STATUSES.has(status)) return true;
  const valid =
    STATUS_CODE.test(status.slice(0, 3)) &&
    (status.length === 3 || (status.charCodeAt(3) === 0x20 && status.length > 4 && isFieldValue(status.slice(4))));
  if (valid && VALID_STATUSES.size < VALID_STATUSES_LIMIT) VALID_STATUSES.add(status);
  return valid;
}

/** Whether `name` is an RFC 9110 token, the only form a header name may take. */
export function isToken(name: string): boolean {
  if (name.length === 0) return false;
  for (let index = 0; index < name.length; index++) {
    if ((characterClass(name, index) & TOKEN_CHARACTER) === 0) return false;
  }
  return true;
}

/**
 * Whether `value` is a field value (RFC 9110): visible characters, obs-text, and spaces
 * and tabs between them, so no control character (CR, LF, NUL...) and no leading or
 * trailing whitespace, which a web server would strip. Empty is allowed.
 */
export function isFieldValue(value: string): boolean {
  const last = value.length - 1;
  if (last < 0) return true;
  if ((characterClass(value, 0) & VISIBLE_CHARACTER) === 0) return false;
  if ((characterClass(value, last) & VISIBLE_CHARACTER) === 0) return false;
  for (let index = 1; index < last; index++) {
    if ((characterClass(value, index) & (VISIBLE_CHARACTER | BLANK_CHARACTER)) === 0) return false;
  }
  return true;
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
  if (isStatus(status)) return;
  throw isLatin1(status) ? new InvalidStatusError(status) : new NotISO88591Error("Response status", status);
}

/**
 * Checks one header field's name and value. Each check fails on a character above U+00FF
 * too, and only then is it asked which error to report.
 *
 * @throws `TypeError` if either is not a string.
 * @throws {@link NotISO88591Error}, {@link InvalidHeaderNameError} or {@link InvalidHeaderValueError}.
 */
export function checkField(name: string, value: string): void {
  if (typeof name !== "string" || typeof value !== "string") {
    throw new TypeError("ResponseHeaders header names and values must be strings");
  }
  if (!isToken(name)) {
    throw isLatin1(name) ? new InvalidHeaderNameError(name) : new NotISO88591Error("Response header name", name);
  }
  if (!isFieldValue(value)) {
    throw isLatin1(value)
      ? new InvalidHeaderValueError(name, value)
      : new NotISO88591Error(`Response ${name} value`, value);
  }
}
