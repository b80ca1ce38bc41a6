/**
 * The head of a response as node:http's `ServerResponse` renders it, turned into the
 * core's {@link ResponseHeaders}.
 *
 * Strategy: `ServerResponse` renders its status line and fields as one Latin-1 string,
 * `HTTP/1.1 <code> <reason>` then `<name>: <value>` lines and an empty line, after checking
 * names against the token grammar and values for CR, LF and other control characters. So
 * the text splits exactly at CRLF and at the first `": "` of a line, with no HTTP parser.
 * Nothing here trusts node:http further: the result is built by the `ResponseHeaders`
 * constructor, which checks every byte the core would write, and a field it refuses
 * stops the response before any of it leaves.
 *
 * @module
 * @internal
 */

import { ResponseHeaders } from "../core/events.js";

/**
 * The fields node:http writes for the HTTP connection it believes it is on: they say how
 * the bytes travel on that hop (SCGI frames a response by closing the connection, and the
 * web server picks its own framing for its client), so they are not passed on.
 */
const CONNECTION_FIELDS = new Set(["connection", "keep-alive", "transfer-encoding"]);

/** Spaces and tabs around a field value: whitespace HTTP does not count as part of it. */
const SURROUNDING_WHITESPACE = /^[\t ]+|[\t ]+$/g;

/**
 * Translates a rendered response head (without its final empty line) into the headers
 * SCGI sends, or `null` for an interim (1xx) response, which SCGI cannot carry: the web
 * server deals with `Expect: 100-continue` itself.
 *
 * @param head - `HTTP/1.1 200 OK\r\nName: value...`, up to but not including the
 *   `\r\n\r\n` that ends it.
 * @throws `SyntaxError` if the text is not a response head (bytes written to the socket
 *   by something other than node:http).
 * @throws Any error of the {@link ResponseHeaders} constructor: a status or a field that
 *   SCGI cannot carry.
 */
export function translateHead(head: string): ResponseHeaders | null {
  const lines = head.split("\r\n");
  const statusLine = lines[0] as string;
  const space = statusLine.indexOf(" ");
  if (!statusLine.startsWith("HTTP/") || space < 0) {
    throw new SyntaxError(`Not a response status line: ${JSON.stringify(statusLine.slice(0, 40))}`);
  }
  const status = statusLine.slice(space + 1).replace(SURROUNDING_WHITESPACE, "");
  if (status.startsWith("1")) return null;
  const fields: [string, string][] = [];
  for (let index = 1; index < lines.length; index++) {
    const line = lines[index] as string;
    const colon = line.indexOf(":");
    if (colon < 0) throw new SyntaxError(`Not a header field: ${JSON.stringify(line.slice(0, 40))}`);
    const name = line.slice(0, colon);
    if (CONNECTION_FIELDS.has(name.toLowerCase())) continue;
    fields.push([name, line.slice(colon + 1).replace(SURROUNDING_WHITESPACE, "")]);
  }
  return new ResponseHeaders(status, fields);
}
