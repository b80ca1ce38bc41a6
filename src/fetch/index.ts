/**
 * `sioscgi/fetch`: the web-standard `Request` and `Response` on top of the core.
 *
 * Strategy: two pure translations with no I/O, so they run wherever `Request`,
 * `Response`, `Headers` and `ReadableStream` exist (Node 18+, Deno, Bun, browsers).
 * {@link toRequest} reads the CGI variables of a {@link RequestHeaders} the way a web
 * server wrote them; {@link responseEvents} turns a `Response` into the events `send`
 * takes. Anything a peer sent that a `Request` cannot hold (an invalid header value, a
 * malformed host) is dropped or replaced, never thrown: a hostile request must not be able
 * to crash the application before it sees it.
 *
 * @module
 */

import { decodeLatin1 } from "../core/bytes.js";
import { type RequestHeaders, ResponseBody, ResponseEnd, type ResponseEvent, ResponseHeaders } from "../core/events.js";
import { HOP_BY_HOP_HEADERS, TOKEN } from "../core/header-rules.js";

/**
 * A fetch-style request handler, as `createServer` in `sioscgi/node` serves it and
 * `serveInMemory` in `sioscgi/testing` runs it. `scgi` is the request's `RequestHeaders`,
 * for the CGI variables a `Request` has no place for (`REMOTE_ADDR`, `SERVER_PROTOCOL`, ...).
 */
export type Handler = (request: Request, scgi: RequestHeaders) => Response | Promise<Response>;

/** Options of {@link toRequest}. */
export interface ToRequestOptions {
  /** Becomes `request.signal`: abort it when the client goes away. */
  readonly signal?: AbortSignal;
}

/** Methods whose requests carry no body: a `Request` refuses one for them. */
const BODILESS_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

/** Methods the fetch standard forbids in a `Request`. */
const FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);

/** The variables that are HTTP headers but that the CGI variables without `HTTP_` state better. */
const SHADOWED_HEADERS: ReadonlySet<string> = new Set(["HTTP_CONTENT_LENGTH", "HTTP_CONTENT_TYPE"]);

/** The standard reason phrases (RFC 9110 and common extensions), for a `Response` without `statusText`. */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: "Continue",
  101: "Switching Protocols",
  102: "Processing",
  103: "Early Hints",
  200: "OK",
  201: "Created",
  202: "Accepted",
  203: "Non-Authoritative Information",
  204: "No Content",
  205: "Reset Content",
  206: "Partial Content",
  207: "Multi-Status",
  208: "Already Reported",
  226: "IM Used",
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Found",
  303: "See Other",
  304: "Not Modified",
  305: "Use Proxy",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  416: "Range Not Satisfiable",
  417: "Expectation Failed",
  418: "I'm a Teapot",
  421: "Misdirected Request",
  422: "Unprocessable Content",
  423: "Locked",
  424: "Failed Dependency",
  425: "Too Early",
  426: "Upgrade Required",
  428: "Precondition Required",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  451: "Unavailable For Legal Reasons",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
  505: "HTTP Version Not Supported",
  506: "Variant Also Negotiates",
  507: "Insufficient Storage",
  508: "Loop Detected",
  510: "Not Extended",
  511: "Network Authentication Required",
};

/** A variable's value as text (ISO-8859-1, as HTTP fields are), or `""` when it is absent. */
function variable(headers: RequestHeaders, name: string): string {
  const value = headers.environment.get(name);
  return value === undefined ? "" : decodeLatin1(value);
}

/**
 * A host as a `Host` header may give it: a registered name, an IPv4 address or a bracketed
 * IPv6 address, and an optional port. Nothing else, so that a peer's `Host` cannot reach
 * into the URL's userinfo, path, query or fragment (`evil@a.test`, `a.test\\admin`, `a.test?x`).
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::[0-9]{0,5})?$/;

/** What a URL path keeps as it is (RFC 3986 pchar and "/"), with "%" when the text is already percent-encoded. */
const PATH_AS_IS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/]*$/;
const ENCODED_PATH_AS_IS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
/** What a URL query keeps as it is, with "%" (a query is always given encoded). */
const QUERY_AS_IS = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;

/** A request target in absolute form (`http://host/path`), which a proxy-style client may send. */
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/;

/**
 * Percent-encodes every character of `text` that `asIs` does not allow, one byte per
 * character (the text is ISO-8859-1 here), so that raw bytes are never re-encoded as UTF-8.
 */
function percentEncode(text: string, asIs: RegExp): string {
  if (asIs.test(text)) return text;
  let encoded = "";
  for (const character of text) {
    encoded += asIs.test(character)
      ? character
      : `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return encoded;
}

/**
 * The request's path and query, encoded so that nothing in them can change the URL's
 * structure: from `REQUEST_URI` (as sent, already encoded; an absolute-form target keeps
 * only its path), or else from `SCRIPT_NAME` + `PATH_INFO` (which CGI gives decoded) and
 * `QUERY_STRING`. After a local redirect served by Apache (`REDIRECT_URL` is set),
 * `REQUEST_URI` still names the original request, so the second source names the target.
 */
function requestTarget(headers: RequestHeaders): string {
  const requestURI = headers.environment.has("REDIRECT_URL") ? "" : variable(headers, "REQUEST_URI");
  let path: string;
  let query: string;
  if (requestURI !== "") {
    const target = requestURI.replace(ABSOLUTE_FORM, "");
    const questionMark = target.indexOf("?");
    path = percentEncode(questionMark < 0 ? target : target.slice(0, questionMark), ENCODED_PATH_AS_IS);
    query = questionMark < 0 ? "" : percentEncode(target.slice(questionMark + 1), QUERY_AS_IS);
  } else {
    path = percentEncode(variable(headers, "SCRIPT_NAME") + variable(headers, "PATH_INFO"), PATH_AS_IS);
    query = percentEncode(variable(headers, "QUERY_STRING"), QUERY_AS_IS);
  }
  return `${path.startsWith("/") ? "" : "/"}${path}${query === "" ? "" : `?${query}`}`;
}

/**
 * The request's host: `HTTP_HOST` if it is a valid host, else `SERVER_NAME` with
 * `SERVER_PORT` unless that is the scheme's default, else `localhost`.
 */
function requestHost(headers: RequestHeaders, https: boolean): string {
  const host = variable(headers, "HTTP_HOST");
  if (HOST.test(host)) return host;
  const name = variable(headers, "SERVER_NAME");
  // CGI gives an IPv6 server address bare; a URL needs it in brackets.
  const bracketed = name.includes(":") && !name.startsWith("[") ? `[${name}]` : name;
  const port = variable(headers, "SERVER_PORT");
  const withPort = /^[0-9]{1,5}$/.test(port) && port !== (https ? "443" : "80") ? `${bracketed}:${port}` : bracketed;
  return name !== "" && HOST.test(withPort) ? withPort : "localhost";
}

/** The request's URL; see {@link requestTarget} and {@link requestHost}. */
function requestURL(headers: RequestHeaders): URL {
  const https =
    variable(headers, "REQUEST_SCHEME").toLowerCase() === "https" || variable(headers, "HTTPS").toLowerCase() === "on";
  const scheme = https ? "https" : "http";
  const target = requestTarget(headers);
  try {
    return new URL(`${scheme}://${requestHost(headers, https)}${target}`);
  } catch {
    // A host the pattern lets through but the URL parser refuses (an invalid IPv6 address).
    return new URL(`${scheme}://localhost${target}`);
  }
}

/**
 * The request's HTTP headers: every `HTTP_*` variable (`HTTP_X_FOO` becomes `x-foo`), plus
 * `CONTENT_TYPE` and, when the request has a body, `CONTENT_LENGTH`. A value a `Headers`
 * refuses is dropped.
 */
function requestHeaders(headers: RequestHeaders, hasBody: boolean): Headers {
  const result = new Headers();
  const add = (name: string, value: string): void => {
    try {
      result.append(name, value);
    } catch {
      // Not a valid header name or value: a peer's mistake must not stop the request.
    }
  };
  for (const [name, value] of headers.environment) {
    if (name.startsWith("HTTP_") && !SHADOWED_HEADERS.has(name)) {
      add(name.slice(5).replaceAll("_", "-").toLowerCase(), decodeLatin1(value));
    }
  }
  const contentType = variable(headers, "CONTENT_TYPE");
  if (contentType !== "") add("content-type", contentType);
  if (hasBody) add("content-length", variable(headers, "CONTENT_LENGTH"));
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
  const method = variable(headers, "REQUEST_METHOD") || "GET";
  const hasBody = body !== null && !BODILESS_METHODS.has(method.toUpperCase());
  const base: RequestInit = { headers: requestHeaders(headers, hasBody) };
  if (options.signal !== undefined) base.signal = options.signal;
  const url = requestURL(headers);
  if (FORBIDDEN_METHODS.has(method.toUpperCase()) || !TOKEN.test(method)) {
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
const LOCAL_REDIRECTS = new WeakSet<Response>();

/**
 * A local redirect: a response that asks the web server to serve `location` (a path on the
 * same server) in its place, with no status and no body of its own. CGI defines it; the
 * web server decides what to do with it: Apache with `ProxySCGIInternalRedirect` (on by
 * default) serves the target, while nginx and lighttpd pass it to the client as a 302.
 *
 * @param location - The path to serve instead, such as `"/index.html"`.
 * @returns A `Response` that {@link toResponseHeaders} turns into status `null` and one
 *   `Location` header.
 *
 * @example
 * ```ts
 * createServer((request) => localRedirect("/static/maintenance.html"));
 * ```
 */
export function localRedirect(location: string): Response {
  const response = new Response(null, { headers: { location } });
  LOCAL_REDIRECTS.add(response);
  return response;
}

/**
 * The status line for a `Response`: its status and `statusText`, or the standard reason
 * phrase when `statusText` is empty.
 */
function statusLine(response: Response): string {
  // A status text may have spaces and tabs around it; a Status header value may not.
  const reason = response.statusText.trim() || REASON_PHRASES[response.status] || "";
  return reason === "" ? String(response.status) : `${response.status} ${reason}`;
}

/**
 * The `ResponseHeaders` event for a `Response`: its status line and every header in order,
 * each `Set-Cookie` on its own line, without hop-by-hop headers (which belong to the web
 * server's connection, not the application's) and without `Status` (which SCGI reserves).
 * A {@link localRedirect} becomes status `null` and its `Location` alone.
 *
 * @throws `InvalidStatusError` (from `sioscgi`) if the status text holds a character a status line cannot.
 */
export function toResponseHeaders(response: Response): ResponseHeaders {
  if (LOCAL_REDIRECTS.has(response))
    return new ResponseHeaders(null, [["Location", response.headers.get("location") ?? ""]]);
  const fields: [string, string][] = [];
  for (const [name, value] of response.headers) {
    if (!HOP_BY_HOP_HEADERS.has(name) && name !== "status") fields.push([name, value]);
  }
  return new ResponseHeaders(statusLine(response), fields);
}

/** Options of {@link responseEvents}. */
export interface ResponseEventsOptions {
  /**
   * Aborting it cancels the response body and ends the iteration without a
   * `ResponseEnd`: abort it when the client goes away, so that the body's source stops.
   */
  readonly signal?: AbortSignal;
  /** Yield no body (and cancel it), as for the answer to a HEAD request. */
  readonly withoutBody?: boolean;
}

/**
 * Turns a web `Response` into the events to `send`: a `ResponseHeaders` (see
 * {@link toResponseHeaders}), a `ResponseBody` for each non-empty chunk of its body as the
 * body streams, and a `ResponseEnd`. Stopping the iteration early cancels the body.
 *
 * @throws `TypeError` on the first step, before any event, if the body cannot be read (a
 *   `Response` whose body was already used, or is locked).
 *
 * @example
 * ```ts
 * for await (const event of responseEvents(await app(request))) {
 *   const bytes = conn.send(event);
 *   if (bytes !== null) await write(bytes);
 * }
 * ```
 */
export async function* responseEvents(
  response: Response,
  options: ResponseEventsOptions = {},
): AsyncGenerator<ResponseEvent, void, undefined> {
  const { signal, withoutBody = false } = options;
  if (withoutBody) void response.body?.cancel().catch(() => {});
  // Taken before anything is yielded, so that an unreadable body fails before the headers.
  const reader = withoutBody ? null : (response.body?.getReader() ?? null);
  const cancel = (): void => {
    void reader?.cancel().catch(() => {});
  };
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    yield toResponseHeaders(response);
    if (reader !== null) {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        if (chunk.value.length > 0) yield new ResponseBody(chunk.value);
      }
    }
    if (signal?.aborted) return;
    yield new ResponseEnd();
  } finally {
    signal?.removeEventListener("abort", cancel);
    // Releases the body's source when the consumer stops early; a no-op once it is done.
    cancel();
  }
}
