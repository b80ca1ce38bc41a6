/**
 * What `send` writes is what the event's constructor checked: every reachable part of
 * every event, built by its constructor or by a reader, is tampered with every way a
 * caller can try, on both sides, and the bytes sent are compared with those of an
 * untouched twin.
 */

import { describe, expect, it } from "vitest";
import {
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
  SCGIClientConnection,
  SCGIClientReader,
  SCGIConnection,
  SCGIReader,
} from "../src/index.js";
import { latin1, scgiRequest } from "./support/scgi.js";

/**
 * What a caller might write into an event: header injection, characters above U+00FF
 * that would be cut to CR and LF, and values of the wrong type.
 */
const HOSTILE: readonly unknown[] = [
  "fr\r\nSet-Cookie: session=attacker",
  "\u010d\u010aSet-Cookie: session=attacker",
  ["Set-Cookie", "session=attacker"],
  latin1("\r\nSet-Cookie: session=attacker"),
  42,
  null,
];

/** Runs `mutation`; an error is the object refusing it (a frozen one answers with a `TypeError`). */
function attempt(mutation: () => unknown): void {
  try {
    mutation();
  } catch {
    // Refused, as it should be.
  }
}

/**
 * Tries to change `target` and everything reachable from it: every own property (set,
 * redefined, deleted), every array (elements replaced, pushed, spliced, truncated), the
 * prototype, and new properties. A `Map` is left alone (a `RequestHeaders` environment may
 * change until it is sent, and the writer checks it then), and so are the bytes of a
 * `Uint8Array` (a body is sent as the array it is, by design).
 */
function tamper(target: unknown, seen = new Set<object>()): void {
  if (typeof target !== "object" || target === null || seen.has(target)) return;
  seen.add(target);
  if (ArrayBuffer.isView(target) || target instanceof Map) return;
  const record = target as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(target)) {
    tamper(record[key], seen);
    for (const value of HOSTILE) {
      attempt(() => {
        record[key] = value;
      });
      attempt(() => Object.defineProperty(target, key, { value }));
    }
    attempt(() => delete record[key]);
  }
  if (Array.isArray(target)) {
    attempt(() => target.push(HOSTILE[2]));
    attempt(() => target.unshift(HOSTILE[2]));
    attempt(() => target.reverse());
    attempt(() => target.splice(0, 1));
    attempt(() => {
      target.length = 0;
    });
  }
  for (const value of HOSTILE) {
    attempt(() => {
      record.extra = value;
    });
  }
  attempt(() => Object.setPrototypeOf(target, Object.prototype));
}

/** The bytes a server's connection writes for `events`, concatenated; `null` for ResponseEnd. */
function serverSends(events: readonly ResponseEvent[]): (string | null)[] {
  const conn = new SCGIConnection();
  conn.receiveData(latin1("24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,"));
  while (conn.nextEvent() !== null);
  return events.map((event) => {
    const bytes = conn.send(event);
    return bytes === null ? null : String.fromCharCode(...bytes);
  });
}

/** The bytes a client's connection writes for `events`. */
function clientSends(events: readonly RequestEvent[]): (string | null)[] {
  const conn = new SCGIClientConnection();
  return events.map((event) => {
    const bytes = conn.send(event);
    return bytes === null ? null : String.fromCharCode(...bytes);
  });
}

/** Every response event, each made twice: by its constructor, and by a client's reader from the bytes a server sent. */
function responseEvents(): (() => ResponseEvent[])[] {
  const body = latin1("hello");
  const built = (): ResponseEvent[] => [
    new ResponseHeaders("200 OK", [
      ["Content-Type", "text/plain"],
      ["Cache-Control", "no-store"],
      ["Set-Cookie", "a=b"],
    ]),
    new ResponseBody(body),
    new ResponseEnd(),
  ];
  const received = (): ResponseEvent[] => {
    const reader = new SCGIClientReader();
    reader.receiveData(
      latin1("Status: 404 Not Found\r\nContent-Type: text/html\r\nX-Frame-Options: DENY\r\n\r\nhello"),
    );
    reader.receiveData(new Uint8Array(0));
    return [...reader.events()];
  };
  const redirect = (): ResponseEvent[] => [new ResponseHeaders(null, [["Location", "/elsewhere"]]), new ResponseEnd()];
  return [built, received, redirect];
}

/** Every request event, made by its constructor and by a server's reader. */
function requestEvents(): (() => RequestEvent[])[] {
  const built = (): RequestEvent[] => [
    new RequestHeaders({ CONTENT_LENGTH: "5", REQUEST_METHOD: "POST", REQUEST_URI: "/RPC2" }),
    new RequestBody(latin1("hello")),
    new RequestEnd(),
  ];
  const received = (): RequestEvent[] => {
    const reader = new SCGIReader();
    reader.receiveData(
      scgiRequest(
        [
          ["CONTENT_LENGTH", "5"],
          ["SCGI", "1"],
          ["REQUEST_METHOD", "POST"],
        ],
        "hello",
      ),
    );
    reader.receiveData(new Uint8Array(0));
    return [...reader.events()];
  };
  return [built, received];
}

describe("nothing done to an event after it is built changes what send writes", () => {
  it.each(responseEvents().map((make, index) => [index, make] as const))(
    "response events (case %i): a server sends what was checked",
    (_index, make) => {
      const expected = serverSends(make());
      const events = make();
      for (const event of events) tamper(event);
      expect(serverSends(events)).toEqual(expected);
    },
  );

  it.each(requestEvents().map((make, index) => [index, make] as const))(
    "request events (case %i): a client sends what was checked",
    (_index, make) => {
      const expected = clientSends(make());
      const events = make();
      for (const event of events) tamper(event);
      expect(clientSends(events)).toEqual(expected);
    },
  );

  it("a header pair changed after construction cannot inject a header, nor can text cut to CR LF", () => {
    const headers = new ResponseHeaders("200 OK", [["Content-Language", "fr"]]);
    const pair = headers.otherHeaders[0] as unknown as string[];
    attempt(() => {
      pair[1] = "fr\r\nSet-Cookie: session=attacker";
    });
    attempt(() => {
      pair[1] = "fr\u010d\u010aSet-Cookie: session=attacker";
    });
    expect(serverSends([headers])).toEqual(["Status: 200 OK\r\nContent-Language: fr\r\n\r\n"]);
    expect(headers.otherHeaders).toEqual([["Content-Language", "fr"]]);
  });

  it("headers sent twice write the same bytes, whatever became of the bytes the first send returned", () => {
    const headers = new ResponseHeaders("200 OK", [["Content-Type", "text/plain"]]);
    const first = serverSends([headers])[0];
    const conn = new SCGIConnection();
    conn.receiveData(latin1("24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,"));
    (conn.send(headers) as Uint8Array).fill(0x0a);
    expect(serverSends([headers])[0]).toBe(first);
  });
});
