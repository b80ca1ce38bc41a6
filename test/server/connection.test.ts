/**
 * SCGIConnection: every case of sioscgi 3.0.1's test suite (named "3.0.1: ..."), each run
 * whole and split at every byte boundary, then what the port adds: sticky errors across
 * both halves, every state transition, and names that would trip a plain object.
 */

import { describe, expect, it } from "vitest";
import {
  BadEventInStateError,
  BadNetstringLengthError,
  BadNetstringTerminatorError,
  BadSCGIVersionError,
  DataAfterEOFError,
  EnvironmentNotNulTerminatedError,
  ExtraDataError,
  HopByHopHeaderError,
  LocalProtocolError,
  MissingContentLengthError,
  MissingSCGIVariableError,
  NonDocumentHeadersError,
  NotISO88591Error,
  OddStringCountError,
  PrematureEOFError,
  RemoteProtocolError,
  RequestBody,
  RequestEnd,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  ResponseHeaders,
  RXState,
  SCGIConnection,
  TXState,
} from "../../src/index.js";
import { eventShape, feedEvents } from "../support/feed.js";
import { chunkings, concat, entries, latin1, scgiRequest } from "../support/scgi.js";

/** The request of 3.0.1's suite: a POST of 27 bytes to /deepthought. */
const REQUEST = latin1(
  "70:CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00,What is the answer to life?",
);
const REQUEST_ENVIRONMENT = [
  ["CONTENT_LENGTH", "27"],
  ["SCGI", "1"],
  ["REQUEST_METHOD", "POST"],
  ["REQUEST_URI", "/deepthought"],
];
const REQUEST_BODY = "What is the answer to life?";

/** The responses of 3.0.1's suite: status, headers, body, and the exact bytes expected. */
const RESPONSES = [
  {
    name: "standard response with document",
    status: "200 OK",
    headers: [
      ["Content-Type", "text/plain; charset=UTF-8"],
      ["Content-Length", "2"],
    ],
    body: "42",
    wire: "Content-Type: text/plain; charset=UTF-8\r\nStatus: 200 OK\r\nContent-Length: 2\r\n\r\n42",
  },
  {
    name: "local redirect",
    status: null,
    headers: [["Location", "/foo"]],
    body: null,
    wire: "Location: /foo\r\n\r\n",
  },
  {
    name: "client redirect with document",
    status: "301 Moved Permanently",
    headers: [
      ["Content-Type", "text/plain; charset=UTF-8"],
      ["Content-Length", "5"],
      ["Location", "/foo"],
    ],
    body: "moved",
    wire: "Location: /foo\r\nStatus: 301 Moved Permanently\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: 5\r\n\r\nmoved",
  },
] as const;

const text = (bytes: Uint8Array | null): string => (bytes === null ? "<null>" : String.fromCharCode(...bytes));

describe("3.0.1: good requests and responses", () => {
  for (const response of RESPONSES) {
    it(`big buffer: whole request in one chunk, then ${response.name} in one body chunk`, () => {
      const conn = new SCGIConnection();
      conn.receiveData(REQUEST);
      conn.receiveData(new Uint8Array(0));
      expect(conn.rxState).toBe(RXState.DONE);
      expect(conn.txState).toBe(TXState.HEADERS);
      const headers = conn.nextEvent();
      expect(headers).toBeInstanceOf(RequestHeaders);
      expect(entries((headers as RequestHeaders).environment)).toEqual(REQUEST_ENVIRONMENT);
      const body = conn.nextEvent();
      expect(body).toBeInstanceOf(RequestBody);
      expect(text((body as RequestBody).data)).toBe(REQUEST_BODY);
      expect(conn.nextEvent()).toBeInstanceOf(RequestEnd);
      expect(conn.nextEvent()).toBeNull();
      let wire = text(conn.send(new ResponseHeaders(response.status, response.headers)));
      if (response.body !== null) wire += text(conn.send(new ResponseBody(latin1(response.body))));
      expect(wire).toBe(response.wire);
      expect(conn.send(new ResponseEnd())).toBeNull();
      expect(conn.txState).toBe(TXState.DONE);
    });

    it(`tiny buffer: request one byte at a time, then ${response.name} one body byte at a time`, () => {
      const conn = new SCGIConnection();
      for (const byte of REQUEST) conn.receiveData(Uint8Array.of(byte));
      conn.receiveData(new Uint8Array(0));
      expect(conn.rxState).toBe(RXState.DONE);
      expect(conn.txState).toBe(TXState.HEADERS);
      const headers = conn.nextEvent();
      expect(entries((headers as RequestHeaders).environment)).toEqual(REQUEST_ENVIRONMENT);
      for (const character of REQUEST_BODY) {
        const body = conn.nextEvent();
        expect(body).toBeInstanceOf(RequestBody);
        expect(text((body as RequestBody).data)).toBe(character);
      }
      expect(conn.nextEvent()).toBeInstanceOf(RequestEnd);
      expect(conn.nextEvent()).toBeNull();
      let wire = text(conn.send(new ResponseHeaders(response.status, response.headers)));
      for (const character of response.body ?? "") wire += text(conn.send(new ResponseBody(latin1(character))));
      expect(wire).toBe(response.wire);
      expect(conn.send(new ResponseEnd())).toBeNull();
    });
  }

  it("gives the same headers, body and event order however the request is split", () => {
    for (const { label, chunks } of chunkings(REQUEST)) {
      const outcome = feedEvents(new SCGIConnection(), chunks);
      expect(outcome.error, label).toBeUndefined();
      expect(entries(outcome.headers?.environment), label).toEqual(REQUEST_ENVIRONMENT);
      expect(text(outcome.body), label).toBe(REQUEST_BODY);
      expect(eventShape(outcome), label).toEqual(["RequestHeaders", "RequestBody", "RequestEnd"]);
    }
  });

  it("request/response interleaving: the response may start before the request body ends", () => {
    const [response] = RESPONSES;
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST.subarray(0, REQUEST.indexOf(0x2c) + 1));
    expect(conn.nextEvent()).toBeInstanceOf(RequestHeaders);
    expect(conn.nextEvent()).toBeNull();
    let wire = text(conn.send(new ResponseHeaders(response.status, response.headers)));

    conn.receiveData(latin1("What is"));
    const first = conn.nextEvent();
    expect(text((first as RequestBody).data)).toBe("What is");
    expect(conn.nextEvent()).toBeNull();
    wire += text(conn.send(new ResponseBody(latin1("4"))));

    conn.receiveData(latin1(" the answer to life?"));
    const second = conn.nextEvent();
    expect(text((second as RequestBody).data)).toBe(" the answer to life?");
    expect(conn.nextEvent()).toBeInstanceOf(RequestEnd);
    expect(conn.nextEvent()).toBeNull();
    wire += text(conn.send(new ResponseBody(latin1("2"))));
    expect(conn.send(new ResponseEnd())).toBeNull();
    expect(wire).toBe(response.wire);
  });
});

describe("3.0.1: bad response headers are rejected by the constructor", () => {
  it.each([
    [
      "non-Latin-1 Content-Type",
      "200 OK",
      [
        ["Content-Type", "text/Ω"],
        ["Content-Length", "0"],
      ],
      NotISO88591Error,
    ],
    [
      "non-Latin-1 Location",
      "301 Moved Permanently",
      [
        ["Location", "/Ω"],
        ["Content-Type", "text/plain; charset=UTF-8"],
        ["Content-Length", "0"],
      ],
      NotISO88591Error,
    ],
    [
      "non-Latin-1 other header",
      "200 OK",
      [
        ["Content-Type", "text/plain; charset=UTF-8"],
        ["Content-Length", "0"],
        ["Other-Thing", "Ω"],
      ],
      NotISO88591Error,
    ],
    [
      "local redirect with Content-Type",
      null,
      [
        ["Location", "/foo"],
        ["Content-Type", "text/plain; charset=UTF-8"],
      ],
      NonDocumentHeadersError,
    ],
    [
      "local redirect with another header",
      null,
      [
        ["Location", "/foo"],
        ["Other-Thing", "bar"],
      ],
      NonDocumentHeadersError,
    ],
  ] as const)("%s", (_name, status, headers, errorClass) => {
    expect(() => new ResponseHeaders(status, headers)).toThrow(errorClass);
    expect(() => new ResponseHeaders(status, headers)).toThrow(LocalProtocolError);
  });

  it.each([
    "Connection",
    "keep-alive",
    "PROXY-AUTHENTICATE",
    "Proxy-Authorization",
    "TE",
    "Trailers",
    "Transfer-Encoding",
    "Upgrade",
  ])("hop-by-hop header %s", (name) => {
    expect(() => new ResponseHeaders("200 OK", [[name, "x"]])).toThrow(HopByHopHeaderError);
  });
});

/** 3.0.1's bad inputs: each must end in a RemoteProtocolError, however it is split. */
const BAD_REQUESTS = [
  {
    name: "premature EOF (body one byte short)",
    bytes: REQUEST.subarray(0, REQUEST.length - 1),
    error: PrematureEOFError,
  },
  {
    name: "headers not ended by a comma",
    bytes: latin1(
      "70:CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00@What is the answer to life?",
    ),
    error: BadNetstringTerminatorError,
  },
  {
    name: "no SCGI variable",
    bytes: latin1(
      "63:CONTENT_LENGTH\x0027\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00,What is the answer to life?",
    ),
    error: MissingSCGIVariableError,
  },
  {
    name: "no CONTENT_LENGTH variable",
    bytes: latin1(
      "52:SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00,What is the answer to life?",
    ),
    error: MissingContentLengthError,
  },
  {
    name: "environment not NUL-terminated",
    bytes: latin1(
      "69:CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought,What is the answer to life?",
    ),
    error: EnvironmentNotNulTerminatedError,
  },
  {
    name: "odd number of strings",
    bytes: latin1(
      "65:CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00REQUEST_URI\x00/deepthought\x00,What is the answer to life?",
    ),
    error: OddStringCountError,
  },
  {
    name: "wrong SCGI version",
    bytes: latin1(
      "70:CONTENT_LENGTH\x0027\x00SCGI\x002\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00,What is the answer to life?",
    ),
    error: BadSCGIVersionError,
  },
  { name: "netstring length starting with a space", bytes: latin1(" "), error: BadNetstringLengthError },
  { name: "netstring length that is not an integer", bytes: latin1("A"), error: BadNetstringLengthError },
];

describe("3.0.1: bad received data", () => {
  for (const { name, bytes, error } of BAD_REQUESTS) {
    it(`${name}: ${error.name} from nextEvent, however the bytes are split`, () => {
      for (const { label, chunks } of chunkings(bytes)) {
        const outcome = feedEvents(new SCGIConnection(), chunks);
        expect(outcome.error, label).toBeInstanceOf(error);
        expect(outcome.error, label).toBeInstanceOf(RemoteProtocolError);
      }
    });
  }

  it("a remote error is never thrown by receiveData, only by nextEvent", () => {
    const conn = new SCGIConnection();
    expect(() => conn.receiveData(latin1("A"))).not.toThrow();
    expect(conn.rxState).toBe(RXState.ERROR);
    expect(() => conn.nextEvent()).toThrow(BadNetstringLengthError);
  });
});

describe("3.0.1: bad response order", () => {
  const received = (): SCGIConnection => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST);
    while (conn.nextEvent() !== null) {}
    expect(conn.txState).toBe(TXState.HEADERS);
    return conn;
  };

  it("ResponseBody before ResponseHeaders", () => {
    expect(() => received().send(new ResponseBody(latin1("abcd")))).toThrow(BadEventInStateError);
  });

  it("ResponseEnd before ResponseHeaders", () => {
    expect(() => received().send(new ResponseEnd())).toThrow(BadEventInStateError);
  });
});

describe("3.0.1: other errors", () => {
  it("data after EOF is a LocalProtocolError thrown at once by receiveData", () => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST);
    conn.receiveData(new Uint8Array(0));
    while (conn.nextEvent() !== null) {}
    expect(() => conn.receiveData(latin1("x"))).toThrow(DataAfterEOFError);
    expect(() => conn.nextEvent()).toThrow(DataAfterEOFError);
    expect(conn.rxState).toBe(RXState.ERROR);
    expect(conn.txState).toBe(TXState.ERROR);
  });
});

describe("errors are sticky and poison both halves", () => {
  it("a remote error is thrown by every later nextEvent and send, and drops queued events", () => {
    const conn = new SCGIConnection();
    conn.receiveData(concat(REQUEST, latin1("!")));
    expect(conn.rxState).toBe(RXState.ERROR);
    expect(conn.txState).toBe(TXState.ERROR);
    let first: unknown;
    try {
      conn.nextEvent();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(ExtraDataError);
    expect(() => conn.nextEvent()).toThrow(first as Error);
    expect(() => conn.send(new ResponseHeaders("200 OK", []))).toThrow(first as Error);
    expect(() => conn.send(new ResponseEnd())).toThrow(ExtraDataError);
  });

  it("bytes fed after a remote error are ignored, and EOF does not replace the error", () => {
    const conn = new SCGIConnection();
    conn.receiveData(latin1("x"));
    conn.receiveData(REQUEST);
    conn.receiveData(new Uint8Array(0));
    expect(() => conn.nextEvent()).toThrow(BadNetstringLengthError);
  });

  it("a send error is thrown by every later send and nextEvent; request bytes are then ignored", () => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST.subarray(0, 10));
    expect(() => conn.send(new ResponseEnd())).toThrow(BadEventInStateError);
    expect(conn.rxState).toBe(RXState.ERROR);
    expect(conn.txState).toBe(TXState.ERROR);
    conn.receiveData(REQUEST.subarray(10));
    expect(() => conn.nextEvent()).toThrow(BadEventInStateError);
    expect(() => conn.send(new ResponseHeaders("200 OK", []))).toThrow(BadEventInStateError);
  });

  it("after a send error, EOF is still tracked: data after it throws, the first error stays", () => {
    const conn = new SCGIConnection();
    expect(() => conn.send(new ResponseEnd())).toThrow(BadEventInStateError);
    conn.receiveData(new Uint8Array(0));
    expect(() => conn.receiveData(latin1("x"))).toThrow(DataAfterEOFError);
    expect(() => conn.nextEvent()).toThrow(BadEventInStateError);
  });

  it("an invalid ResponseHeaders construction does not touch the connection", () => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST);
    expect(() => new ResponseHeaders("200 OK", [["Connection", "close"]])).toThrow(HopByHopHeaderError);
    expect(conn.txState).toBe(TXState.HEADERS);
    expect(conn.nextEvent()).toBeInstanceOf(RequestHeaders);
  });
});

describe("state transitions", () => {
  it("rxState walks HEADER_LENGTH, HEADERS, BODY, DONE as the bytes arrive", () => {
    const conn = new SCGIConnection();
    const colon = REQUEST.indexOf(0x3a);
    const comma = REQUEST.indexOf(0x2c);
    // Feed up to each of these offsets in turn and note the state after each piece.
    const cuts = [colon, colon + 1, comma + 1, REQUEST.length - 1, REQUEST.length];
    const seen = [conn.rxState];
    let start = 0;
    for (const cut of cuts) {
      conn.receiveData(REQUEST.slice(start, cut));
      start = cut;
      seen.push(conn.rxState);
    }
    expect(seen).toEqual([
      RXState.HEADER_LENGTH, // nothing yet
      RXState.HEADER_LENGTH, // the digits
      RXState.HEADERS, // the colon
      RXState.BODY, // the environment and its comma
      RXState.BODY, // all but the last body byte
      RXState.DONE, // the last body byte
    ]);
  });

  it("rxState goes straight from HEADERS to DONE when CONTENT_LENGTH is 0, and RequestEnd follows at once", () => {
    const conn = new SCGIConnection();
    conn.receiveData(
      scgiRequest([
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
      ]),
    );
    expect(conn.rxState).toBe(RXState.DONE);
    expect(conn.nextEvent()).toBeInstanceOf(RequestHeaders);
    expect(conn.nextEvent()).toBeInstanceOf(RequestEnd);
    expect(conn.nextEvent()).toBeNull();
  });

  it("rxState is the state after every queued event, not after the ones consumed", () => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST);
    expect(conn.rxState).toBe(RXState.DONE);
    expect(conn.nextEvent()).toBeInstanceOf(RequestHeaders);
    expect(conn.rxState).toBe(RXState.DONE);
  });

  it("txState walks HEADERS, BODY, DONE for a document and HEADERS, NO_BODY, DONE without one", () => {
    const document = new SCGIConnection();
    const documentStates = [document.txState];
    document.send(new ResponseHeaders("200 OK", []));
    documentStates.push(document.txState);
    document.send(new ResponseBody(latin1("x")));
    documentStates.push(document.txState);
    document.send(new ResponseEnd());
    documentStates.push(document.txState);
    expect(documentStates).toEqual([TXState.HEADERS, TXState.BODY, TXState.BODY, TXState.DONE]);

    const redirect = new SCGIConnection();
    redirect.send(new ResponseHeaders(null, [["Location", "/x"]]));
    expect(redirect.txState).toBe(TXState.NO_BODY);
    expect(() => redirect.send(new ResponseBody(latin1("x")))).toThrow(BadEventInStateError);
  });
});

describe("environment names", () => {
  it("a variable named __proto__ is an ordinary entry", () => {
    const conn = new SCGIConnection();
    conn.receiveData(
      scgiRequest([
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["__proto__", "polluted"],
        ["constructor", "x"],
      ]),
    );
    const headers = conn.nextEvent() as RequestHeaders;
    expect(text(headers.environment.get("__proto__") ?? null)).toBe("polluted");
    expect(text(headers.environment.get("constructor") ?? null)).toBe("x");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(headers.environment)).toBe(Map.prototype);
  });

  it("byte 0x80 in a name decodes as U+0080 (ISO-8859-1), not U+20AC (windows-1252)", () => {
    const conn = new SCGIConnection();
    conn.receiveData(
      scgiRequest([
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["X\x80\xff", "v"],
      ]),
    );
    const headers = conn.nextEvent() as RequestHeaders;
    expect([...headers.environment.keys()]).toEqual(["CONTENT_LENGTH", "SCGI", "X\u0080\u00ff"]);
  });
});

describe("events()", () => {
  it("drains the queue in order, and throws a poisoned connection's error", () => {
    const conn = new SCGIConnection();
    conn.receiveData(REQUEST);
    expect([...conn.events()].map((event) => event.type)).toEqual(["RequestHeaders", "RequestBody", "RequestEnd"]);
    expect(() => conn.send(new ResponseEnd())).toThrow(BadEventInStateError);
    expect(() => [...conn.events()]).toThrow(BadEventInStateError);
  });
});

describe("options", () => {
  it("passes the reader's policies through", () => {
    const request = concat(REQUEST, latin1("extra"));
    expect(feedEvents(new SCGIConnection(), [request]).error).toBeInstanceOf(ExtraDataError);
    expect(feedEvents(new SCGIConnection({ extraData: "ignore" }), [request]).error).toBeUndefined();
  });

  it("rxBufferLimit bounds the environment", () => {
    const request = scgiRequest([
      ["CONTENT_LENGTH", "0"],
      ["SCGI", "1"],
      ["X", "y".repeat(100)],
    ]);
    expect(feedEvents(new SCGIConnection({ rxBufferLimit: 100 }), [request]).error?.code).toBe(
      "ERR_SCGI_ENVIRONMENT_TOO_LONG",
    );
    expect(feedEvents(new SCGIConnection({ rxBufferLimit: 200 }), [request]).error).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN, 2 ** 30 + 1])("rejects rxBufferLimit %s", (limit) => {
    expect(() => new SCGIConnection({ rxBufferLimit: limit })).toThrow(RangeError);
  });
});
