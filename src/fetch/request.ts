/**
 * An SCGI request as a web `Request`, and a web `Request` as an SCGI environment.
 *
 * Strategy: pure translations with no I/O. {@link toRequest} reads the CGI variables of a
 * `RequestHeaders` the way a web server wrote them. Anything a peer sent that a `Request`
 * cannot hold (an invalid header value, a malformed host) is dropped or replaced, never
 * thrown: a hostile request must not be able to crash the application before it sees it.
 * {@link requestEnvironment} goes the other way, writing the variables nginx's
 * `scgi_params` would send for a `Request`.
 *
 * @module
 */

import { CR, decodeLatin1, LF, NUL, SPACE, TAB } from "../core/bytes.js";
import type { EnvironmentValue } from "../core/environment.js";
import type { RequestHeaders } from "../core/events.js";
import { isToken } from "../core/header-rules.js";

/**
 * Options of {@link toRequest}.
 *
 * @example
 * <!-- typecheck: declare const headersEvent: import("sioscgi").RequestHeaders; declare const bodyStream: ReadableStream<Uint8Array>; -->
 * ```ts
 * const controller = new AbortController(); // abort it when the socket closes early
 * const request = toRequest(headersEvent, bodyStream, { signal: controller.signal });
 * ```
 */
export interface ToRequestOptions {
  /** Becomes `request.signal`: abort it when the client goes away. */
  readonly signal?: AbortSignal;
}

/** Methods whose requests carry no body: a `Request` refuses one for them. */
const BODILESS_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** Methods the fetch standard forbids in a `Request`. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);

/**
 * The variables that are HTTP headers but that the CGI variables without `HTTP_` state
 * better, upper-cased: a header's name is case-insensitive, so `HTTP_Content_Length`
 * (which a web server configured by hand may send) names the same header.
 */
const SHADOWED_HEADERS: ReadonlySet<string> = new Set(["HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"]);

/**
 * A variable's value as text (ISO-8859-1, as HTTP fields are), or `""` when it is absent.
 *
 * @internal
 */
export function variable(environment: ReadonlyMap<string, Uint8Array>, name: string): string {
  const value = environment.get(name);
  return value === undefined ? "" : decodeLatin1(value);
}

/**
 * A host as a `Host` header may give it: a registered name, an IPv4 address or a bracketed
 * IPv6 address, and an optional port. Nothing else, so that a peer's `Host` cannot reach
 * into the URL's userinfo, path, query or fragment (`evil@a.test`, `a.test\\admin`, `a.test?x`).
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]{0,5})?$/;

/**
 * What a URL path escapes: all but RFC 3986 pchar and "/", and "%" too unless the text is
 * already percent-encoded.
 */
const PATH_ESCAPED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/]/g;
const ENCODED_PATH_ESCAPED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/g;
/** What a URL query escapes ("%" stays: a query is always given encoded). */
const QUERY_ESCAPED = /[^A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/g;

/** A request target in absolute form (`http://host/path`), which a proxy-style client may send. */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/**
 * Percent-encodes every character of `text` that `escaped` matches, one byte per
 * character (the text is ISO-8859-1 here), so that raw bytes are never re-encoded as UTF-8.
 * One pass of one regular expression, however long the text.
 */
function percentEncode(text: string, escaped: RegExp): string {
  return text.replace(
    escaped,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );
}

/**
 * The request's path and query, encoded so that nothing in them can change the URL's
 * structure: from `REQUEST_URI` (as sent, already encoded; an absolute-form target keeps
 * only its path), or else from `SCRIPT_NAME` + `PATH_INFO` (which CGI gives decoded) and
 * `QUERY_STRING`. After a local redirect served by Apache (`REDIRECT_URL` is set),
 * `REQUEST_URI` still names the original request, so the second source names the target.
 * The one rule for `toRequest`'s URL and `sioscgi/http`'s `req.url`.
 *
 * @internal
 */
export function requestTarget(environment: ReadonlyMap<string, Uint8Array>): string {
  const requestURI = environment.has("REDIRECT_URL") ? "" : variable(environment, "REQUEST_URI");
  let path: string;
  let query: string;
  if (requestURI !== "") {
    const target = requestURI.replace(ABSOLUTE_FORM, "");
    const questionMark = target.indexOf("?");
    path = percentEncode(questionMark < 0 ? target : target.slice(0, questionMark), ENCODED_PATH_ESCAPED);
    query = questionMark < 0 ? "" : percentEncode(target.slice(questionMark + 1), QUERY_ESCAPED);
  } else {
    path = percentEncode(variable(environment, "SCRIPT_NAME") + variable(environment, "PATH_INFO"), PATH_ESCAPED);
    query = percentEncode(variable(environment, "QUERY_STRING"), QUERY_ESCAPED);
  }
  return `${path.startsWith("/") ? "" : "/"}${path}${query === "" ? "" : `?${query}`}`;
}

/**
 * The hosts the request's URL may be built with, best first: `HTTP_HOST` if it is a valid
 * host, then `SERVER_NAME` with `SERVER_PORT` unless that is the scheme's default.
 */
function* requestHosts(headers: RequestHeaders, https: boolean): Generator<string, void, undefined> {
  const host = variable(headers.environment, "HTTP_HOST");
  if (HOST.test(host)) yield host;
  const name = variable(headers.environment, "SERVER_NAME");
  // CGI gives an IPv6 server address bare; a URL needs it in brackets.
  const bracketed = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
  const port = variable(headers.environment, "SERVER_PORT");
  const withPort = /^[0-9]{1,5}$/.test(port) && port !== (https ? "443" : "80") ? `${bracketed}:${port}` : bracketed;
  if (name !== "" && HOST.test(withPort)) yield withPort;
}

/**
 * The request's URL, from the first of {@link requestHosts} the URL parser takes (the
 * pattern lets through a few it refuses: a port over 65535, an invalid IPv6 address), or
 * else `localhost`, and {@link requestTarget}.
 */
function requestURL(headers: RequestHeaders): URL {
  const https =
    variable(headers.environment, "REQUEST_SCHEME").toLowerCase() === "https" ||
    variable(headers.environment, "HTTPS").toLowerCase() === "on";
  const scheme = https ? "https" : "http";
  const target = requestTarget(headers.environment);
  for (const host of requestHosts(headers, https)) {
    try {
      return new URL(`${scheme}://${host}${target}`);
    } catch {
      // Refused by the parser: try the next host.
    }
  }
  return new URL(`${scheme}://localhost${target}`);
}

/** Whether `code` is HTTP whitespace, which the fetch standard strips from both ends of a header value. */
function isHTTPWhitespace(code: number): boolean {
  return code === SPACE || code === TAB || code === LF || code === CR;
}

/**
 * `value` as a `Headers` stores it, without the spaces, tabs, CRs and LFs at either end
 * (the fetch standard's normalization), or `null` when a `Headers` would refuse it: a NUL,
 * CR or LF inside.
 *
 * @internal
 */
export function headerValue(value: string): string | null {
  let start = 0;
  let end = value.length;
  while (start < end && isHTTPWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isHTTPWhitespace(value.charCodeAt(end - 1))) end--;
  for (let index = start; index < end; index++) {
    const code = value.charCodeAt(index);
    if (code === NUL || code === CR || code === LF) return null;
  }
  return value.slice(start, end);
}

/**
 * Passes each header field the `HTTP_*` variables carry to `add`: the name lower case, `_`
 * read as `-` (`HTTP_X_FOO` is `x-foo`), the value decoded as ISO-8859-1 and trimmed as a
 * `Headers` stores it. A field a `Headers` would refuse (a name that is not a token, a value
 * with a NUL, CR or LF inside) is dropped, not thrown and not answered with a 400: a web
 * server that passed it on has already answered the client, and the rest of the request
 * is sound. `HTTP_CONTENT_LENGTH` and `HTTP_CONTENT_TYPE` are skipped: the CGI variables
 * state them better. The one rule for `toRequest` and `sioscgi/http`.
 *
 * @internal
 */
export function forEachHeaderField(
  environment: ReadonlyMap<string, Uint8Array>,
  add: (name: string, value: string) => void,
): void {
  for (const [name, bytes] of environment) {
    if (!name.startsWith("HTTP_") || SHADOWED_HEADERS.has(name.toUpperCase())) continue;
    const field = name.slice(5).replaceAll("_", "-").toLowerCase();
    // Checked here rather than left to `Headers.append` to throw: a thrown and caught
    // error costs microseconds, and a peer can send thousands.
    if (!isToken(field)) continue;
    const value = headerValue(decodeLatin1(bytes));
    if (value !== null) add(field, value);
  }
}

/**
 * The request's HTTP headers: those of {@link forEachHeaderField}, plus `CONTENT_TYPE` and,
 * when the request has a body, `CONTENT_LENGTH`, each dropped if a `Headers` refuses it.
 */
function requestHeaders(headers: RequestHeaders, hasBody: boolean): Headers {
  const result = new Headers();
  forEachHeaderField(headers.environment, (name, value) => result.append(name, value));
  const contentType = headerValue(variable(headers.environment, "CONTENT_TYPE"));
  if (contentType !== null && contentType !== "") result.append("content-type", contentType);
  if (hasBody) {
    const contentLength = headerValue(variable(headers.environment, "CONTENT_LENGTH"));
    if (contentLength !== null) result.append("content-length", contentLength);
  }
  return result;
}

/**
 * Builds a web `Request` from an SCGI request's headers and body.
 *
 * - method: `REQUEST_METHOD` (default `GET`);
 * - URL: `REQUEST_SCHEME` or `HTTPS=on`, then `HTTP_HOST` or `SERVER_NAME`:`SERVER_PORT`,
 *   then `REQUEST_URI`, or `SCRIPT_NAME` + `PATH_INFO` + `?QUERY_STRING` when there is no
 *   `REQUEST_URI` or after a local redirect (`REDIRECT_URL` is set);
 * - headers: every `HTTP_*` variable (`HTTP_X_FOO` becomes `x-foo`), `CONTENT_TYPE`, and
 *   `CONTENT_LENGTH` when there is a body; values are decoded as ISO-8859-1, and any value
 *   a `Headers` refuses is dropped;
 * - body: `body`, for methods other than GET and HEAD.
 *
 * A method `Request` refuses (CONNECT, TRACE, TRACK, or one that is not a token) gives a
 * bodiless GET instead; `REQUEST_METHOD` in `headers.environment` still has the real one.
 *
 * Variables with no HTTP counterpart (`REMOTE_ADDR`, `SERVER_PROTOCOL`, ...) stay in
 * `headers.environment`.
 *
 * @param headers - The request's `RequestHeaders` event.
 * @param body - The body: a stream of its `RequestBody` data, or all of it, or `null`.
 * @param options - See {@link ToRequestOptions}.
 * @returns A `Request`; it never throws on what the peer sent.
 *
 * @example
 * <!-- typecheck:
 * declare const headersEvent: import("sioscgi").RequestHeaders;
 * declare const bodyBytes: Uint8Array;
 * declare const app: (request: Request) => Promise<Response>;
 * -->
 * ```ts
 * const request = toRequest(headersEvent, bodyBytes);
 * const response = await app(request);
 * ```
 */
export function toRequest(
  headers: RequestHeaders,
  body: ReadableStream<Uint8Array> | Uint8Array | null = null,
  options: ToRequestOptions = {},
): Request {
  const method = variable(headers.environment, "REQUEST_METHOD") || "GET";
  const hasBody = body !== null && !BODILESS_METHODS.has(method.toUpperCase());
  const base: RequestInit = { headers: requestHeaders(headers, hasBody) };
  if (options.signal !== undefined) base.signal = options.signal;
  const url = requestURL(headers);
  if (FORBIDDEN_METHODS.has(method.toUpperCase()) || !isToken(method)) {
    // A method `Request` refuses (CONNECT, TRACE, TRACK, or not a token): the application
    // still sees the request, as a bodiless GET, and finds the real method in REQUEST_METHOD.
    // Checked here rather than left to `Request` throwing, because Bun's does not: it accepts
    // CONNECT and TRACE, and turns a method that is not a token into GET with the body kept.
    return new Request(url, { ...base, method: "GET" });
  }
  if (!hasBody) return new Request(url, { ...base, method });
  // `duplex: "half"` is required by the fetch standard for a streamed request body.
  const bodyInit = body instanceof ReadableStream ? { body, duplex: "half" } : { body: body as BodyInit };
  return new Request(url, { ...base, method, ...bodyInit } as RequestInit);
}

/** The responses made by {@link localRedirect}, recognised without any mark on the wire. */

/**
 * The environment nginx's `scgi_params` would send for `request` with a body of
 * `bodyLength` bytes, in the order nginx sends it (`CONTENT_LENGTH` first), then every
 * request header as an `HTTP_*` variable: the inverse of {@link toRequest}, for an SCGI
 * client that forwards web requests, or a test that plays the web server.
 *
 * `REMOTE_ADDR` is `127.0.0.1`; set what a real web server would know better on the result.
 *
 * @param request - The request; only its method, URL and headers are read, never its body.
 * @param bodyLength - The length of the body that will be sent, in bytes.
 * @returns A new `Map` of variables, as `RequestHeaders` takes it.
 *
 * @example
 * <!-- typecheck: declare const request: Request; -->
 * ```ts
 * import { RequestHeaders } from "sioscgi";
 * import { requestEnvironment } from "sioscgi/fetch";
 *
 * const body = new Uint8Array(await request.arrayBuffer());
 * const headers = new RequestHeaders(requestEnvironment(request, body.length));
 * ```
 */
export function requestEnvironment(request: Request, bodyLength: number): Map<string, EnvironmentValue> {
  const url = new URL(request.url);
  const https = url.protocol === "https:";
  const environment = new Map<string, EnvironmentValue>([
    ["CONTENT_LENGTH", String(bodyLength)],
    ["REQUEST_METHOD", request.method],
    ["REQUEST_URI", `${url.pathname}${url.search}`],
    ["QUERY_STRING", url.search.slice(1)],
    ["DOCUMENT_URI", url.pathname],
    ["SERVER_PROTOCOL", "HTTP/1.1"],
    ["REQUEST_SCHEME", https ? "https" : "http"],
    ["REMOTE_ADDR", "127.0.0.1"],
    ["SERVER_NAME", url.hostname],
    ["SERVER_PORT", url.port || (https ? "443" : "80")],
  ]);
  if (https) environment.set("HTTPS", "on");
  const contentType = request.headers.get("content-type");
  if (contentType !== null) environment.set("CONTENT_TYPE", contentType);
  if (!request.headers.has("host")) environment.set("HTTP_HOST", url.host);
  for (const [name, value] of request.headers) {
    environment.set(`HTTP_${name.toUpperCase().replaceAll("-", "_")}`, value);
  }
  return environment;
}
