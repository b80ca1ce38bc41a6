/**
 * SCGIClientConnection: a whole exchange, run whole and split at every byte boundary; the
 * request's method deciding how the response is read; sticky errors across both halves;
 * the states it reports.
 */

import { describe, expect, it } from "vitest";
import {
  BadEventInStateError,
  BadResponseHeaderError,
  BodyLengthMismatchError,
  DataAfterEOFError,
  IncompleteResponseError,
  InvalidContentLengthError,
  NotISO88591Error,
  RequestBody,
  RequestEnd,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
  RXState,
  SCGIClientConnection,
  SCGIConnection,
  TXState,
} from "../../src/index.js";
import { eventShape, feedEvents } from "../support/feed.js";
import { chunkings, concat, entries, headerFields, latin1 } from "../support/scgi.js";

const XML_CALL = latin1(
  '<?xml version="1.0"?><methodCall><methodName>system.client_version</methodName><params></params></methodCall>',
);
const ANSWER = latin1(
  "Status: 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 40\r\n\r\n<methodResponse>0.9.8</methodResponse>\r\n",
);

/** A client that has sent `environment` and `body` whole, and the bytes it wrote. */
function sent(environment: ConstructorParameters<typeof RequestHeaders>[0], body: Uint8Array = new Uint8Array(0)) {
  const conn = new SCGIClientConnection();
  const parts = [conn.send(new RequestHeaders(environment)) as Uint8Array];
  if (body.length > 0) parts.push(conn.send(new RequestBody(body)) as Uint8Array);
  expect(conn.send(new RequestEnd())).toBeNull();
  return { conn, wire: concat(...parts) };
}

describe("a whole exchange", () => {
  it("an XML-RPC call: the request a server reads back, and the response however it is split", () => {
    const { wire } = sent({ CONTENT_LENGTH: String(XML_CALL.length), REQUEST_METHOD: "POST" }, XML_CALL);
    const server = feedEvents(new SCGIConnection(), [wire]);
    expect(entries(server.headers?.environment)).toEqual([
      ["CONTENT_LENGTH", "109"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "POST"],
    ]);
    expect(server.body).toEqual(XML_CALL);
    for (const { label, chunks } of chunkings(ANSWER)) {
      const { conn } = sent({ CONTENT_LENGTH: String(XML_CALL.length) }, XML_CALL);
      const outcome = feedEvents(conn, chunks);
      expect(outcome.error, label).toBeUndefined();
      expect(eventShape(outcome), label).toEqual(["ResponseHeaders", "ResponseBody", "ResponseEnd"]);
      expect(headerFields(outcome.headers), label).toEqual({
        status: "200 OK",
        contentType: "text/xml",
        location: null,
        otherHeaders: [["Content-Length", "40"]],
      });
      expect(conn.rxState, label).toBe(RXState.DONE);
      expect(conn.txState, label).toBe(TXState.DONE);
    }
  });

  it("this library's server answers this library's client, through both connections", () => {
    const server = new SCGIConnection();
    const { wire } = sent({ CONTENT_LENGTH: "0", REQUEST_METHOD: "GET", REQUEST_URI: "/" });
    server.receiveData(wire);
    server.receiveData(new Uint8Array(0));
    expect([...server.events()].map((event) => event.type)).toEqual(["RequestHeaders", "RequestEnd"]);
    const response = concat(
      server.send(
        new ResponseHeaders("201 Created", [
          ["Content-Type", "text/plain"],
          ["Set-Cookie", "a=1"],
        ]),
      ) as Uint8Array,
      server.send(new ResponseBody(latin1("made"))) as Uint8Array,
    );
    expect(server.send(new ResponseEnd())).toBeNull();
    const client = sent({ CONTENT_LENGTH: "0" }).conn;
    const outcome = feedEvents(client, [response]);
    expect(headerFields(outcome.headers)).toEqual({
      status: "201 Created",
      contentType: "text/plain",
      location: null,
      otherHeaders: [["Set-Cookie", "a=1"]],
    });
    expect(String.fromCharCode(...outcome.body)).toBe("made");
  });

  it("starts in HEADERS on both halves, and reads a response that comes before the request is sent", () => {
    const conn = new SCGIClientConnection();
    expect([conn.rxState, conn.txState]).toEqual([RXState.HEADERS, TXState.HEADERS]);
    expect(conn.nextEvent()).toBeNull();
    conn.receiveData(latin1("Status: 503 Service Unavailable\r\n\r\n"));
    expect((conn.nextEvent() as ResponseHeaders).status).toBe("503 Service Unavailable");
    expect(conn.txState).toBe(TXState.HEADERS);
  });
});

describe("the request's method", () => {
  const HEAD_ANSWER = latin1("Status: 200 OK\r\nContent-Length: 1234\r\n\r\n");

  it("HEAD: the response's Content-Length is not held against its (absent) body", () => {
    const { conn } = sent({ CONTENT_LENGTH: "0", REQUEST_METHOD: "HEAD" });
    const outcome = feedEvents(conn, [HEAD_ANSWER]);
    expect(outcome.error).toBeUndefined();
    expect(eventShape(outcome)).toEqual(["ResponseHeaders", "ResponseEnd"]);
  });

  it("GET, or no method at all: it is", () => {
    for (const environment of [{ CONTENT_LENGTH: "0", REQUEST_METHOD: "GET" }, { CONTENT_LENGTH: "0" }]) {
      const { conn } = sent(environment);
      expect(feedEvents(conn, [HEAD_ANSWER]).error).toBeInstanceOf(IncompleteResponseError);
    }
  });

  it("the method in any other case is another method (methods are case-sensitive)", () => {
    const { conn } = sent({ CONTENT_LENGTH: "0", REQUEST_METHOD: "head" });
    expect(feedEvents(conn, [HEAD_ANSWER]).error).toBeInstanceOf(IncompleteResponseError);
  });

  it("a response that arrives before the request headers are sent is read as one with a body", () => {
    const conn = new SCGIClientConnection();
    conn.receiveData(HEAD_ANSWER);
    conn.send(new RequestHeaders({ CONTENT_LENGTH: "0", REQUEST_METHOD: "HEAD" }));
    conn.send(new RequestEnd());
    conn.receiveData(new Uint8Array(0));
    expect(() => [...conn.events()]).toThrow(IncompleteResponseError);
  });
});

describe("errors poison both halves", () => {
  it("a send error: every later nextEvent and send throws it; response bytes are dropped unparsed", () => {
    const conn = new SCGIClientConnection();
    let error: unknown;
    try {
      conn.send(new RequestHeaders({ REQUEST_METHOD: "GET" }));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidContentLengthError);
    expect([conn.rxState, conn.txState]).toEqual([RXState.ERROR, TXState.ERROR]);
    conn.receiveData(latin1("garbage\r\n\r\n"));
    expect(() => conn.nextEvent()).toThrow(error as Error);
    expect(() => conn.send(new RequestEnd())).toThrow(error as Error);
    conn.receiveData(new Uint8Array(0));
    expect(() => conn.receiveData(latin1("x"))).toThrow(DataAfterEOFError);
    expect(() => conn.nextEvent()).toThrow(error as Error);
  });

  it("a malformed response: send throws it too, and the events queued before it are dropped", () => {
    const conn = new SCGIClientConnection();
    conn.send(new RequestHeaders({ CONTENT_LENGTH: "3" }));
    conn.receiveData(latin1("Status: 200 OK\r\nbad line\r\n"));
    expect(() => conn.nextEvent()).toThrow(BadResponseHeaderError);
    expect(() => conn.send(new RequestBody(latin1("abc")))).toThrow(BadResponseHeaderError);
    expect([conn.rxState, conn.txState]).toEqual([RXState.ERROR, TXState.ERROR]);
  });

  it("the body's accounting, and the order of events, are send errors like any other", () => {
    const conn = new SCGIClientConnection();
    conn.send(new RequestHeaders({ CONTENT_LENGTH: "1" }));
    expect(() => conn.send(new RequestEnd())).toThrow(BodyLengthMismatchError);
    expect(() => conn.nextEvent()).toThrow(BodyLengthMismatchError);
    const other = new SCGIClientConnection();
    expect(() => other.send(new RequestBody(latin1("x")))).toThrow(BadEventInStateError);
  });

  it("bytes after EOF: DataAfterEOFError from receiveData, then from every call", () => {
    const conn = new SCGIClientConnection();
    conn.receiveData(latin1("\r\n"));
    conn.receiveData(new Uint8Array(0));
    expect(() => conn.receiveData(latin1("late"))).toThrow(DataAfterEOFError);
    expect(() => conn.send(new RequestHeaders({ CONTENT_LENGTH: "0" }))).toThrow(DataAfterEOFError);
  });

  it("an error from an event's constructor touches no connection", () => {
    const conn = new SCGIClientConnection();
    expect(() => conn.send(new RequestHeaders({ CONTENT_LENGTH: "0", X: "\u03a9" }))).toThrow(NotISO88591Error);
    expect(conn.txState).toBe(TXState.HEADERS);
    expect(conn.send(new RequestHeaders({ CONTENT_LENGTH: "0" }))).toBeInstanceOf(Uint8Array);
  });

  it("a TypeError from a changed environment leaves the connection usable", () => {
    const conn = new SCGIClientConnection();
    const headers = new RequestHeaders({ CONTENT_LENGTH: "0" });
    (headers.environment as Map<string, unknown>).set("X", 1);
    expect(() => conn.send(headers)).toThrow(TypeError);
    expect(conn.txState).toBe(TXState.HEADERS);
  });
});

describe("the small API", () => {
  it("events() iterates the queued response events", () => {
    const { conn } = sent({ CONTENT_LENGTH: "0" });
    conn.receiveData(latin1("\r\nab"));
    conn.receiveData(new Uint8Array(0));
    const events: ResponseEvent[] = [...conn.events()];
    expect(events.map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseBody", "ResponseEnd"]);
  });

  it("bounds the response header block by rxBufferLimit, and checks the option at once", () => {
    const conn = new SCGIClientConnection({ rxBufferLimit: 8 });
    conn.receiveData(latin1("X-A: 123456\r\n\r\n"));
    expect(conn.rxState).toBe(RXState.ERROR);
    expect(() => new SCGIClientConnection({ rxBufferLimit: 0 })).toThrow(RangeError);
  });

  it("refuses a chunk that is not bytes with a TypeError", () => {
    expect(() => new SCGIClientConnection().receiveData([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
  });
});
