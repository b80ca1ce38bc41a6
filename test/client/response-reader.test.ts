/**
 * The client's receive half on its own: responses as real servers write them, hostile
 * responses, the header block's limit, bodies with and without Content-Length, zero-copy
 * body views, and the reader's small API. Every input runs whole, split at every byte
 * boundary and one byte at a time.
 */

import { describe, expect, it } from "vitest";
import {
  BadChunkedBodyError,
  BadResponseContentLengthError,
  BadResponseHeaderError,
  BadResponseStatusError,
  DataAfterEOFError,
  ExtraResponseDataError,
  IncompleteResponseError,
  type RemoteProtocolError,
  type ResponseBody,
  ResponseEnd,
  ResponseHeaders,
  ResponseHeadersTooLongError,
  RXState,
  SCGIClientReader,
  type SCGIClientReaderOptions,
} from "../../src/index.js";
import { eventShape, feedEvents } from "../support/feed.js";
import { chunkings, headerFields, latin1 } from "../support/scgi.js";

type RemoteErrorClass = abstract new (...args: never[]) => RemoteProtocolError;

/** rTorrent 0.9.8's answer to `system.client_version`, byte for byte. */
const RTORRENT_ANSWER =
  'Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 152\r\n\r\n<?xml version="1.0" encoding="UTF-8"?>\r\n<methodResponse>\r\n<params>\r\n<param><value><string>0.9.8</string></value></param>\r\n</params>\r\n</methodResponse>\r\n';

/** What a good response must parse to: its headers as plain data, and its body. */
interface Expected {
  readonly status: string;
  readonly contentType?: string | null;
  readonly location?: string | null;
  readonly otherHeaders?: [string, string][];
  readonly body?: string;
}

const GOOD: { name: string; wire: string; options?: SCGIClientReaderOptions; expected: Expected }[] = [
  {
    name: "rTorrent's XML-RPC answer",
    wire: RTORRENT_ANSWER,
    expected: {
      status: "200 OK",
      contentType: "text/xml",
      otherHeaders: [["Content-Length", "152"]],
      body: RTORRENT_ANSWER.slice(RTORRENT_ANSWER.indexOf("<?xml")),
    },
  },
  {
    name: "uWSGI's NPH answer (--scgi-nph-socket)",
    wire: "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope",
    expected: {
      status: "404 Not Found",
      contentType: "text/plain",
      otherHeaders: [["Content-Length", "4"]],
      body: "nope",
    },
  },
  {
    name: "an NPH HTTP/1.0 status line without a reason phrase",
    wire: "HTTP/1.0 201\r\n\r\n",
    expected: { status: "201" },
  },
  {
    name: "an NPH status line whose reason phrase has a colon",
    wire: "HTTP/1.1 200 Re: OK\r\n\r\n",
    expected: { status: "200 Re: OK" },
  },
  {
    name: "this library's own writer's order: Content-Type, Status, the rest",
    wire: "Content-Type: text/plain\r\nStatus: 201 Created\r\nX-A: 1\r\n\r\nhi",
    expected: { status: "201 Created", contentType: "text/plain", otherHeaders: [["X-A", "1"]], body: "hi" },
  },
  {
    name: "bare LF line ends",
    wire: "Content-Type: text/plain\nStatus: 201 Created\n\nhi\r\n",
    expected: { status: "201 Created", contentType: "text/plain", body: "hi\r\n" },
  },
  {
    name: "mixed line ends",
    wire: "Content-Type: text/plain\r\nX-A: 1\n\r\nbody",
    expected: { status: "200 OK", contentType: "text/plain", otherHeaders: [["X-A", "1"]], body: "body" },
  },
  {
    name: "no Status: 200 OK",
    wire: "Content-Type: text/html\r\n\r\n<p>",
    expected: { status: "200 OK", contentType: "text/html", body: "<p>" },
  },
  {
    name: "a Location and no Status: 302 Found",
    wire: "Location: /elsewhere\r\n\r\n",
    expected: { status: "302 Found", location: "/elsewhere" },
  },
  {
    name: "a client redirect with document",
    wire: "Location: /x\r\nStatus: 301 Moved Permanently\r\nContent-Type: text/plain\r\n\r\nmoved",
    expected: { status: "301 Moved Permanently", location: "/x", contentType: "text/plain", body: "moved" },
  },
  {
    name: "names in any case",
    wire: "STATUS: 200 OK\r\ncontent-TYPE: text/plain\r\nLOCATION: /y\r\n\r\n",
    expected: { status: "200 OK", contentType: "text/plain", location: "/y" },
  },
  {
    name: "spaces and tabs around values, no space after the colon, an empty value",
    wire: "Content-Type:   text/plain \t\r\nX-Tight:1\r\nX-Empty:\r\nX-Blank: \t \r\n\r\n",
    expected: {
      status: "200 OK",
      contentType: "text/plain",
      otherHeaders: [
        ["X-Tight", "1"],
        ["X-Empty", ""],
        ["X-Blank", ""],
      ],
    },
  },
  {
    name: "hop-by-hop headers, dropped",
    wire: "Status: 200 OK\r\nConnection: close\r\nTransfer-Encoding: identity\r\nKeep-Alive: timeout=5\r\nUPGRADE: x\r\nX-Kept: yes\r\n\r\n",
    expected: { status: "200 OK", otherHeaders: [["X-Kept", "yes"]] },
  },
  {
    name: "repeated ordinary headers, kept in order",
    wire: "Set-Cookie: a=1\r\nX-A: 1\r\nSet-Cookie: b=2\r\n\r\n",
    expected: {
      status: "200 OK",
      otherHeaders: [
        ["Set-Cookie", "a=1"],
        ["X-A", "1"],
        ["Set-Cookie", "b=2"],
      ],
    },
  },
  {
    name: "Latin-1 bytes in a value, decoded as ISO-8859-1",
    wire: "X-Name: caf\xe9 \x80\r\n\r\n",
    expected: { status: "200 OK", otherHeaders: [["X-Name", "caf\xe9 \x80"]] },
  },
  { name: "an empty header block", wire: "\r\n", expected: { status: "200 OK" } },
  {
    name: "a body holding a blank line and header-like text",
    wire: "Status: 200 OK\r\n\r\nX: y\r\n\r\nStatus: 500\r\n",
    expected: { status: "200 OK", body: "X: y\r\n\r\nStatus: 500\r\n" },
  },
  {
    name: "Content-Length 0",
    wire: "Status: 200 OK\r\nContent-Length: 0\r\n\r\n",
    expected: { status: "200 OK", otherHeaders: [["Content-Length", "0"]] },
  },
  {
    name: "Content-Length with leading zeros",
    wire: "Content-Length: 003\r\n\r\nabc",
    expected: { status: "200 OK", otherHeaders: [["Content-Length", "003"]], body: "abc" },
  },
  {
    name: "no Content-Length: the body runs to EOF",
    wire: `Status: 200 OK\r\n\r\n${"x".repeat(300)}`,
    expected: { status: "200 OK", body: "x".repeat(300) },
  },
  {
    name: "HEAD: a Content-Length and no body",
    wire: "Status: 200 OK\r\nContent-Length: 5\r\n\r\n",
    options: { requestMethod: "HEAD" },
    expected: { status: "200 OK", otherHeaders: [["Content-Length", "5"]] },
  },
  {
    name: "HEAD: a body anyway, as uWSGI sends it, delivered as it comes",
    wire: "Status: 200 OK\r\nContent-Length: 2\r\n\r\n{}xyz",
    options: { requestMethod: "HEAD" },
    expected: { status: "200 OK", otherHeaders: [["Content-Length", "2"]], body: "{}xyz" },
  },
  {
    name: "204 with a Content-Length and no body",
    wire: "Status: 204 No Content\r\nContent-Length: 10\r\n\r\n",
    expected: { status: "204 No Content", otherHeaders: [["Content-Length", "10"]] },
  },
  {
    // RFC 9110 (15.3.6): a 205 has no content, as 204 and 304 have none.
    name: "205 with a Content-Length and no body",
    wire: "Status: 205 Reset Content\r\nContent-Length: 10\r\n\r\n",
    expected: { status: "205 Reset Content", otherHeaders: [["Content-Length", "10"]] },
  },
  {
    name: "304 with the Content-Length of the unsent representation",
    wire: "Status: 304 Not Modified\r\nContent-Length: 1234\r\n\r\n",
    expected: { status: "304 Not Modified", otherHeaders: [["Content-Length", "1234"]] },
  },
  {
    name: "a chunked body, decoded: the framing never reaches the content",
    wire: "Status: 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    expected: { status: "200 OK", otherHeaders: [["X-A", "1"]], body: "hello" },
  },
  {
    name: "a chunked body in several chunks: hex sizes in either case, zero-padded, extensions, trailers",
    wire: "transfer-encoding: CHUNKED\r\n\r\n3;name=value\r\nabc\r\n00A \t;x\r\n0123456789\r\n1c\r\n\r\n0123456789abcdef0123456789\r\n0\r\nX-Trailer: t\r\nX-Other: o\r\n\r\n",
    expected: { status: "200 OK", body: "abc0123456789\r\n0123456789abcdef0123456789" },
  },
  {
    name: "a chunked body with bare LF line ends",
    wire: "Transfer-Encoding: chunked\n\n2\nhi\n1\n!\n0\n\n",
    expected: { status: "200 OK", body: "hi!" },
  },
  {
    name: "a chunked body holding framing-like text",
    wire: "Transfer-Encoding: chunked\r\n\r\n7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n",
    expected: { status: "200 OK", body: "0\r\n\r\n\r\n" },
  },
  {
    name: "HEAD: chunked framing announced and no body",
    wire: "Status: 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
    options: { requestMethod: "HEAD" },
    expected: { status: "200 OK" },
  },
  {
    name: "204 with chunked framing announced and no body",
    wire: "Status: 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
    expected: { status: "204 No Content" },
  },
];

describe("good responses", () => {
  for (const { name, wire, options, expected } of GOOD) {
    it(name, () => {
      const { body = "", ...fields } = expected;
      for (const { label, chunks } of chunkings(latin1(wire))) {
        const outcome = feedEvents(new SCGIClientReader(options), chunks);
        expect(outcome.error, label).toBeUndefined();
        expect(headerFields(outcome.headers), label).toEqual({
          contentType: null,
          location: null,
          otherHeaders: [],
          ...fields,
        });
        expect(String.fromCharCode(...outcome.body), label).toBe(body);
        expect(eventShape(outcome), label).toEqual(
          body === "" ? ["ResponseHeaders", "ResponseEnd"] : ["ResponseHeaders", "ResponseBody", "ResponseEnd"],
        );
        expect(outcome.headers, label).toBeInstanceOf(ResponseHeaders);
      }
    });
  }
});

/** Hostile responses: each case's bytes, options and the error class nextEvent must throw. */
const HOSTILE: { name: string; wire: string; error: RemoteErrorClass; options?: SCGIClientReaderOptions }[] = [
  { name: "nothing at all, then EOF", wire: "", error: IncompleteResponseError },
  { name: "EOF after a header line", wire: "Status: 200 OK\r\n", error: IncompleteResponseError },
  { name: "EOF inside a header line", wire: "Status: 200", error: IncompleteResponseError },
  { name: "EOF before the blank line's LF", wire: "Status: 200 OK\r\n\r", error: IncompleteResponseError },
  {
    name: "EOF three bytes into a body of five",
    wire: "Content-Length: 5\r\n\r\nabc",
    error: IncompleteResponseError,
  },
  { name: "one byte beyond the Content-Length", wire: "Content-Length: 1\r\n\r\nab", error: ExtraResponseDataError },
  { name: "a body after Content-Length 0", wire: "Content-Length: 0\r\n\r\nx", error: ExtraResponseDataError },
  { name: "a line without a colon", wire: "garbage\r\n\r\n", error: BadResponseHeaderError },
  { name: "HTML instead of headers", wire: "<html><body>oops</body></html>\n", error: BadResponseHeaderError },
  { name: "a folded first line", wire: " X-A: 1\r\n\r\n", error: BadResponseHeaderError },
  { name: "a continuation line (obs-fold)", wire: "X-A: 1\r\n continued\r\n\r\n", error: BadResponseHeaderError },
  { name: "a space in a name", wire: "X Y: z\r\n\r\n", error: BadResponseHeaderError },
  { name: "a space before the colon", wire: "X-A : z\r\n\r\n", error: BadResponseHeaderError },
  { name: "an empty name", wire: ": z\r\n\r\n", error: BadResponseHeaderError },
  { name: "a non-token name", wire: "X(A): z\r\n\r\n", error: BadResponseHeaderError },
  { name: "a Latin-1 letter in a name", wire: "X-\xe9: z\r\n\r\n", error: BadResponseHeaderError },
  { name: "NUL in a value", wire: "X-A: a\x00b\r\n\r\n", error: BadResponseHeaderError },
  { name: "a bare CR in a value", wire: "X-A: a\rb\r\n\r\n", error: BadResponseHeaderError },
  { name: "two CRs before the LF", wire: "X-A: a\r\r\n\r\n", error: BadResponseHeaderError },
  { name: "DEL in a value", wire: "X-A: a\x7fb\r\n\r\n", error: BadResponseHeaderError },
  { name: "a malformed hop-by-hop header", wire: "Connection: a\x01b\r\n\r\n", error: BadResponseHeaderError },
  {
    name: "two Content-Types",
    wire: "Content-Type: a/b\r\ncontent-type: c/d\r\n\r\n",
    error: BadResponseHeaderError,
  },
  { name: "two Locations", wire: "Location: /a\r\nLocation: /b\r\n\r\n", error: BadResponseHeaderError },
  {
    name: "an NPH status line after the first line",
    wire: "X-A: 1\r\nHTTP/1.1 200 OK\r\n\r\n",
    error: BadResponseHeaderError,
  },
  { name: "an HTTP/2 status line", wire: "HTTP/2 200\r\n\r\n", error: BadResponseHeaderError },
  { name: "two Status headers", wire: "Status: 200 OK\r\nStatus: 404\r\n\r\n", error: BadResponseStatusError },
  {
    name: "a status line and a Status header",
    wire: "HTTP/1.1 200 OK\r\nStatus: 200 OK\r\n\r\n",
    error: BadResponseStatusError,
  },
  { name: "an informational status", wire: "Status: 100 Continue\r\n\r\n", error: BadResponseStatusError },
  { name: "a status over 599", wire: "Status: 600 Odd\r\n\r\n", error: BadResponseStatusError },
  { name: "a reason phrase alone", wire: "Status: OK\r\n\r\n", error: BadResponseStatusError },
  { name: "a two-digit status", wire: "Status: 20 OK\r\n\r\n", error: BadResponseStatusError },
  { name: "an empty Status", wire: "Status:\r\n\r\n", error: BadResponseStatusError },
  { name: "an NPH line with a bad status", wire: "HTTP/1.1 999 Bad\r\n\r\n", error: BadResponseStatusError },
  { name: "a Content-Length in letters", wire: "Content-Length: abc\r\n\r\n", error: BadResponseContentLengthError },
  { name: "a negative Content-Length", wire: "Content-Length: -1\r\n\r\n", error: BadResponseContentLengthError },
  { name: "a Content-Length list", wire: "Content-Length: 1, 1\r\n\r\nx", error: BadResponseContentLengthError },
  {
    name: "a Content-Length beyond 2^53 - 1",
    wire: "Content-Length: 9007199254740992\r\n\r\n",
    error: BadResponseContentLengthError,
  },
  {
    name: "two Content-Lengths",
    wire: "Content-Length: 1\r\nContent-Length: 1\r\n\r\nx",
    error: BadResponseContentLengthError,
  },
  ...(
    [
      ["a chunk size that is not hex", "x\r\nhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a size line without digits", "\r\nhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a letter after the size", "5x\r\nhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a control byte in an extension", "5;a\x01\r\nhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a CR without LF after the size", "5\rhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a chunk longer than its size", "3\r\nhello\r\n0\r\n\r\n", BadChunkedBodyError],
      ["a CR without LF after the data", "5\r\nhello\rX0\r\n\r\n", BadChunkedBodyError],
      ["a CR without LF at the end", "0\r\n\r\r", BadChunkedBodyError],
      ["data after the last chunk", "0\r\n\r\nx", BadChunkedBodyError],
      ["a chunk size over 2^53 - 1", "20000000000000\r\n", BadChunkedBodyError],
      ["EOF inside a chunk", "5\r\nhel", IncompleteResponseError],
      ["EOF inside a size line", "5", IncompleteResponseError],
      ["EOF before the last chunk", "5\r\nhello\r\n", IncompleteResponseError],
      ["EOF inside the trailers", "0\r\nX-T: 1\r\n", IncompleteResponseError],
      ["EOF with no chunk at all", "", IncompleteResponseError],
    ] as const
  ).map(([problem, body, error]) => ({
    name: `chunked: ${problem}`,
    wire: `Transfer-Encoding: chunked\r\n\r\n${body}`,
    error,
  })),
  {
    name: "HEAD: chunked framing begun and cut off",
    wire: "Transfer-Encoding: chunked\r\n\r\n5\r\nhe",
    options: { requestMethod: "HEAD" },
    error: IncompleteResponseError,
  },
  {
    name: "a transfer coding other than chunked",
    wire: "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
    error: BadResponseHeaderError,
  },
  {
    name: "Transfer-Encoding after chunked",
    wire: "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n",
    error: BadResponseHeaderError,
  },
  {
    name: "chunked with a Content-Length (a smuggling attempt)",
    wire: "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    error: BadResponseContentLengthError,
  },
  {
    name: "a header block one byte over the limit",
    wire: "X-A: 1234\r\n\r\n",
    options: { rxBufferLimit: 12 },
    error: ResponseHeadersTooLongError,
  },
  {
    name: "a line without end over the limit",
    wire: "X".repeat(40),
    options: { rxBufferLimit: 32 },
    error: ResponseHeadersTooLongError,
  },
];

describe("hostile responses", () => {
  for (const { name, wire, error, options } of HOSTILE) {
    it(`${name}: ${error.name}`, () => {
      for (const { label, chunks } of chunkings(latin1(wire))) {
        const outcome = feedEvents(new SCGIClientReader(options), chunks);
        expect(outcome.error, label).toBeInstanceOf(error);
        expect(outcome.error, label).toMatchObject({ httpStatus: 502 });
      }
    });
  }

  it("accepts a header block exactly at the limit, with the body after it", () => {
    for (const { label, chunks } of chunkings(latin1("X-A: 1234\r\n\r\nbody"))) {
      const outcome = feedEvents(new SCGIClientReader({ rxBufferLimit: 13 }), chunks);
      expect(outcome.error, label).toBeUndefined();
      expect(String.fromCharCode(...outcome.body), label).toBe("body");
    }
  });

  it("fails at the byte that passes the limit, without waiting for a line end, having buffered no more", () => {
    const reader = new SCGIClientReader({ rxBufferLimit: 1000 });
    reader.receiveData(latin1("X-Long: ".padEnd(1000, "a")));
    expect(reader.state).toBe(RXState.HEADERS);
    expect(reader.bufferedBytes).toBeLessThanOrEqual(1000);
    reader.receiveData(latin1("a"));
    expect(reader.state).toBe(RXState.ERROR);
    expect(() => reader.nextEvent()).toThrow(ResponseHeadersTooLongError);
  });

  it("reports a bad line as soon as its LF arrives, long before the limit or EOF", () => {
    const reader = new SCGIClientReader();
    reader.receiveData(latin1("<html>\n<body>"));
    expect(() => reader.nextEvent()).toThrow(BadResponseHeaderError);
  });

  it("says whether the server sent nothing at all or stopped inside the headers", () => {
    expect(feedEvents(new SCGIClientReader(), []).error?.message).toBe("Connection closed without sending a response");
    expect(feedEvents(new SCGIClientReader(), [latin1("Status: 200")]).error?.message).toBe(
      "Connection closed before the end of the response's header block",
    );
    expect(feedEvents(new SCGIClientReader(), [latin1("Content-Length: 5\r\n\r\nabc")]).error?.message).toBe(
      "Connection closed 3 bytes into a response body whose Content-Length is 5",
    );
  });

  it("quotes the offending line, escaped", () => {
    expect(feedEvents(new SCGIClientReader(), [latin1("X-A: a\x00b\r\n\r\n")]).error?.message).toBe(
      'Response header line "X-A: a\\x00b" has a control character in its value',
    );
  });

  it("an error is sticky: queued events are dropped and every later call throws the same error", () => {
    const reader = new SCGIClientReader();
    reader.receiveData(latin1("Content-Length: 1\r\n\r\nab"));
    const error = (() => {
      try {
        reader.nextEvent();
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ExtraResponseDataError);
    expect(() => reader.nextEvent()).toThrow(error as Error);
    reader.receiveData(latin1("more"));
    reader.receiveData(new Uint8Array(0));
    expect(() => reader.nextEvent()).toThrow(error as Error);
    expect(reader.error).toBe(error);
    expect(reader.state).toBe(RXState.ERROR);
  });
});

describe("states, views and the small API", () => {
  it("moves HEADERS, BODY, DONE as the bytes arrive, not as events are taken", () => {
    const reader = new SCGIClientReader();
    expect(reader.state).toBe(RXState.HEADERS);
    reader.receiveData(latin1("Status: 200 OK\r\n"));
    expect(reader.state).toBe(RXState.HEADERS);
    reader.receiveData(latin1("\r\nab"));
    expect(reader.state).toBe(RXState.BODY);
    reader.receiveData(new Uint8Array(0));
    expect(reader.state).toBe(RXState.DONE);
    expect([...reader.events()].map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseBody", "ResponseEnd"]);
    expect(reader.nextEvent()).toBeNull();
  });

  it("stays in BODY at the Content-Length, until EOF ends the response", () => {
    const reader = new SCGIClientReader();
    reader.receiveData(latin1("Content-Length: 2\r\n\r\nab"));
    expect(reader.state).toBe(RXState.BODY);
    expect([...reader.events()].map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseBody"]);
    reader.receiveData(new Uint8Array(0));
    expect(reader.nextEvent()).toBeInstanceOf(ResponseEnd);
  });

  it("passes body bytes on as views into the caller's chunks, never copies, never empty", () => {
    const chunk = latin1("Status: 200 OK\r\n\r\nabc");
    const reader = new SCGIClientReader();
    reader.receiveData(chunk);
    reader.nextEvent();
    const body = reader.nextEvent() as ResponseBody;
    expect(body.data.buffer).toBe(chunk.buffer);
    expect(String.fromCharCode(...body.data)).toBe("abc");
    const whole = latin1("xyz");
    reader.receiveData(whole);
    expect((reader.nextEvent() as ResponseBody).data).toBe(whole);
    // A header block that ends exactly at a chunk's end makes no empty body event.
    const exact = new SCGIClientReader();
    exact.receiveData(latin1("Status: 200 OK\r\n\r\n"));
    exact.receiveData(new Uint8Array(0));
    expect([...exact.events()].map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseEnd"]);
  });

  it("owns the header values: overwriting the caller's chunk afterwards changes nothing", () => {
    const chunk = latin1("X-A: hello\r\n");
    const reader = new SCGIClientReader();
    reader.receiveData(chunk);
    chunk.fill(0x21);
    reader.receiveData(latin1("\r\n"));
    expect((reader.nextEvent() as ResponseHeaders).otherHeaders).toEqual([["X-A", "hello"]]);
  });

  it("holds only the part of a line that awaits its LF, and nothing once the headers are done", () => {
    const reader = new SCGIClientReader();
    reader.receiveData(latin1("X-A: 1\r\nX-B: 2"));
    expect(reader.bufferedBytes).toBeGreaterThan(0);
    expect(reader.bufferedBytes).toBeLessThanOrEqual(256);
    reader.receiveData(latin1("\r\n\r\n"));
    expect(reader.bufferedBytes).toBe(0);
  });

  it("grows the line buffer for a long line split across many chunks", () => {
    const value = "v".repeat(5000);
    const reader = new SCGIClientReader();
    for (const chunk of chunkings(latin1(`X-Long: ${value}\r\n\r\n`)).at(-1)?.chunks ?? []) reader.receiveData(chunk);
    expect((reader.nextEvent() as ResponseHeaders).otherHeaders).toEqual([["X-Long", value]]);
  });

  it("takes a second EOF quietly, and refuses bytes after EOF with DataAfterEOFError, which sticks", () => {
    const reader = new SCGIClientReader();
    reader.receiveData(latin1("\r\n"));
    reader.receiveData(new Uint8Array(0));
    reader.receiveData(new Uint8Array(0));
    expect(reader.eof).toBe(true);
    expect([...reader.events()].map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseEnd"]);
    expect(() => reader.receiveData(latin1("x"))).toThrow(DataAfterEOFError);
    expect(() => reader.nextEvent()).toThrow(DataAfterEOFError);
  });

  it("refuses what is not bytes with a TypeError, and out-of-range limits with a RangeError", () => {
    const reader = new SCGIClientReader();
    expect(() => reader.receiveData("x" as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => reader.receiveData(null as unknown as Uint8Array)).toThrow(/not null/);
    expect(reader.error).toBeNull();
    for (const rxBufferLimit of [0, 1.5, 2 ** 30 + 1, Number.NaN]) {
      expect(() => new SCGIClientReader({ rxBufferLimit })).toThrow(RangeError);
    }
    expect(() => new SCGIClientReader({ rxBufferLimit: 2 ** 30 })).not.toThrow();
  });

  it("a request method other than HEAD holds the body to its Content-Length", () => {
    const outcome = feedEvents(new SCGIClientReader({ requestMethod: "GET" }), [latin1("Content-Length: 5\r\n\r\n")]);
    expect(outcome.error).toBeInstanceOf(IncompleteResponseError);
  });
});
