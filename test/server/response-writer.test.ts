/**
 * The transmit half on its own: the whole transition table, header order and encoding.
 */

import { describe, expect, it } from "vitest";
import {
  BadEventInStateError,
  RequestEnd,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
  SCGIWriter,
  TXState,
} from "../../src/index.js";
import { latin1 } from "../support/scgi.js";
import { type StateCase, transitionTable } from "../support/transitions.js";

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : String.fromCharCode(...bytes));

const EVENTS = {
  "document headers": () => new ResponseHeaders("200 OK", []),
  "headers without document": () => new ResponseHeaders(null, [["Location", "/x"]]),
  body: () => new ResponseBody(latin1("x")),
  end: () => new ResponseEnd(),
} satisfies Record<string, () => ResponseEvent>;
type EventName = keyof typeof EVENTS;

/** How to bring a fresh writer into each state, and which events each state accepts. */
const STATES: Record<string, StateCase<EventName>> = {
  [TXState.HEADERS]: {
    path: [],
    accepts: { "document headers": TXState.BODY, "headers without document": TXState.NO_BODY },
  },
  [TXState.BODY]: { path: ["document headers"], accepts: { body: TXState.BODY, end: TXState.DONE } },
  [TXState.NO_BODY]: { path: ["headers without document"], accepts: { end: TXState.DONE } },
  [TXState.DONE]: { path: ["document headers", "end"], accepts: {} },
};

describe("the transition table", () => {
  transitionTable(() => new SCGIWriter(), EVENTS, STATES);

  it("an error is sticky: the same error from every later send", () => {
    const writer = new SCGIWriter();
    expect(() => writer.send(new ResponseEnd())).toThrow(BadEventInStateError);
    const first = writer.error;
    expect(() => writer.send(new ResponseHeaders("200 OK", []))).toThrow(first as Error);
  });

  it("names the event's class in the message, not the class of a class", () => {
    const writer = new SCGIWriter();
    expect(() => writer.send(new ResponseBody(latin1("x")))).toThrow("Cannot send ResponseBody in state HEADERS");
  });

  it.each([
    ["a request event", new RequestEnd(), "RequestEnd"],
    ["a look-alike plain object", { type: "ResponseEnd" }, "Object"],
    ["null", null, "null"],
    ["a string", "ResponseEnd", "string"],
    ["an object without prototype", Object.create(null), "object"],
    [
      "a ResponseHeaders its constructor never checked",
      Object.assign(Object.create(ResponseHeaders.prototype), { status: "200 OK\r\nX: injected", otherHeaders: [] }),
      "ResponseHeaders",
    ],
    ["a copy of a checked ResponseHeaders", { ...new ResponseHeaders("200 OK", []) }, "Object"],
  ])("rejects %s", (_name, value, shown) => {
    const writer = new SCGIWriter();
    expect(() => writer.send(value as unknown as ResponseEvent)).toThrow(`Cannot send ${shown} in state HEADERS`);
  });
});

describe("what send returns", () => {
  it("body data as the very same array, and null for the end", () => {
    const writer = new SCGIWriter();
    writer.send(new ResponseHeaders("200 OK", []));
    const data = latin1("hello");
    expect(writer.send(new ResponseBody(data))).toBe(data);
    expect(writer.send(new ResponseBody(new Uint8Array(0)))).toEqual(new Uint8Array(0));
    expect(writer.send(new ResponseEnd())).toBeNull();
  });
});

describe("header order and encoding", () => {
  const encode = (status: string | null, headers: Iterable<readonly [string, string]>): string | null =>
    text(new SCGIWriter().send(new ResponseHeaders(status, headers)));

  it.each([
    ["a document with no headers", "204 No Content", [], "Status: 204 No Content\r\n\r\n"],
    [
      "a document: Content-Type, Status, then the rest in order",
      "200 OK",
      [
        ["X-B", "2"],
        ["content-type", "text/html"],
        ["X-A", "1"],
      ],
      "Content-Type: text/html\r\nStatus: 200 OK\r\nX-B: 2\r\nX-A: 1\r\n\r\n",
    ],
    [
      "a client redirect without Content-Type",
      "302 Found",
      [
        ["X-A", "1"],
        ["LOCATION", "/y"],
      ],
      "Location: /y\r\nStatus: 302 Found\r\nX-A: 1\r\n\r\n",
    ],
    ["a local redirect", null, [["location", "/local"]], "Location: /local\r\n\r\n"],
    [
      "repeated headers such as Set-Cookie, each on its own line",
      "200 OK",
      [
        ["Set-Cookie", "a=1"],
        ["Set-Cookie", "b=2"],
      ],
      "Status: 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\n",
    ],
    [
      "Latin-1 text as one byte per character",
      "200 Oké",
      [["X-Name", "Ünïcödé"]],
      "Status: 200 Oké\r\nX-Name: Ünïcödé\r\n\r\n",
    ],
  ] as const)("%s", (_name, status, headers, wire) => {
    expect(encode(status, headers)).toBe(wire);
  });

  it("encodes each Latin-1 character as the single byte of the same value", () => {
    const bytes = new SCGIWriter().send(new ResponseHeaders("200 OK", [["X", "\u00e9\u00ff\u0080"]]));
    expect([...(bytes as Uint8Array).subarray(-7, -4)]).toEqual([0xe9, 0xff, 0x80]);
  });

  it("takes a Map and a web Headers as well as an array", () => {
    expect(encode("200 OK", new Map([["Content-Type", "text/plain"]]))).toBe(
      "Content-Type: text/plain\r\nStatus: 200 OK\r\n\r\n",
    );
    const headers = new Headers();
    headers.append("Content-Type", "text/plain");
    headers.append("Set-Cookie", "a=1");
    headers.append("Set-Cookie", "b=2");
    expect(encode("200 OK", headers)).toBe(
      "Content-Type: text/plain\r\nStatus: 200 OK\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\r\n",
    );
  });
});
