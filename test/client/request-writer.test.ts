/**
 * The client's transmit half on its own: the whole transition table, the netstring's order
 * and bytes, what makes an environment unsendable, the body's accounting against
 * CONTENT_LENGTH, and the server's reader reading back what the writer wrote.
 */

import { describe, expect, it } from "vitest";
import {
  BodyLengthMismatchError,
  type EnvironmentInit,
  InvalidContentLengthError,
  InvalidSCGIVersionError,
  InvalidVariableNameError,
  InvalidVariableValueError,
  type LocalProtocolError,
  NotISO88591Error,
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseEnd,
  SCGIClientWriter,
  SCGIReader,
  TXState,
} from "../../src/index.js";
import { feedEvents } from "../support/feed.js";
import { concat, entries, latin1, utf8 } from "../support/scgi.js";
import { type StateCase, transitionTable } from "../support/transitions.js";

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : String.fromCharCode(...bytes));

const EVENTS = {
  headers: () => new RequestHeaders({ CONTENT_LENGTH: "0" }),
  body: () => new RequestBody(new Uint8Array(0)),
  end: () => new RequestEnd(),
} satisfies Record<string, () => RequestEvent>;
type EventName = keyof typeof EVENTS;

/** How to bring a fresh writer into each state, and which events each state accepts. */
const STATES: Record<string, StateCase<EventName>> = {
  [TXState.HEADERS]: { path: [], accepts: { headers: TXState.BODY } },
  [TXState.BODY]: { path: ["headers"], accepts: { body: TXState.BODY, end: TXState.DONE } },
  [TXState.DONE]: { path: ["headers", "end"], accepts: {} },
};

describe("the transition table", () => {
  transitionTable(() => new SCGIClientWriter(), EVENTS, STATES);

  it("refuses a response event or a non-event, naming it", () => {
    expect(() => new SCGIClientWriter().send(new ResponseEnd() as unknown as RequestEvent)).toThrow(
      "Cannot send ResponseEnd in state HEADERS",
    );
    expect(() => new SCGIClientWriter().send({ type: "RequestEnd" } as unknown as RequestEvent)).toThrow(
      "Cannot send Object in state HEADERS",
    );
    expect(() => new SCGIClientWriter().send(null as unknown as RequestEvent)).toThrow(
      "Cannot send null in state HEADERS",
    );
  });
});

describe("the environment netstring", () => {
  it("puts CONTENT_LENGTH first and SCGI 1 second, then the variables in their order", () => {
    const writer = new SCGIClientWriter();
    const bytes = writer.send(
      new RequestHeaders([
        ["REQUEST_METHOD", "POST"],
        ["CONTENT_LENGTH", "27"],
        ["REQUEST_URI", "/deepthought"],
      ]),
    );
    // sioscgi 3.0.1's test request, byte for byte.
    expect(text(bytes)).toBe(
      "70:CONTENT_LENGTH\x0027\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/deepthought\x00,",
    );
  });

  it("moves a caller's SCGI 1 to second place, once", () => {
    const bytes = new SCGIClientWriter().send(
      new RequestHeaders([
        ["A", "1"],
        ["SCGI", "1"],
        ["CONTENT_LENGTH", "0"],
      ]),
    );
    expect(text(bytes)).toBe("28:CONTENT_LENGTH\x000\x00SCGI\x001\x00A\x001\x00,");
  });

  it("writes the smallest request there is: 24 bytes of environment", () => {
    expect(text(new SCGIClientWriter().send(new RequestHeaders({ CONTENT_LENGTH: "0" })))).toBe(
      "24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,",
    );
  });

  it("writes names as ISO-8859-1 and values as given, empty ones and any byte but NUL included", () => {
    const bytes = new SCGIClientWriter().send(
      new RequestHeaders([
        ["CONTENT_LENGTH", "0"],
        ["N\xe9", latin1("\x01\xff,:")],
        ["EMPTY", ""],
        ["UTF8", utf8("\u2603")],
      ]),
    );
    expect(text(bytes)).toBe(
      `48:CONTENT_LENGTH\x000\x00SCGI\x001\x00N\xe9\x00\x01\xff,:\x00EMPTY\x00\x00UTF8\x00${text(utf8("\u2603"))}\x00,`,
    );
  });

  it("keeps CONTENT_LENGTH's digits as given, leading zeros included", () => {
    expect(text(new SCGIClientWriter().send(new RequestHeaders({ CONTENT_LENGTH: "007" })))).toBe(
      "26:CONTENT_LENGTH\x00007\x00SCGI\x001\x00,",
    );
  });

  it("the server's reader reads back the same variables and body", () => {
    const variables: [string, string][] = [
      ["CONTENT_LENGTH", "11"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "PUT"],
      ["HTTP_COOKIE", "a=1; b=2"],
      ["__proto__", "ordinary"],
    ];
    const writer = new SCGIClientWriter();
    const head = writer.send(new RequestHeaders(variables)) as Uint8Array;
    const body = [writer.send(new RequestBody(latin1("hello "))), writer.send(new RequestBody(latin1("world")))];
    expect(writer.send(new RequestEnd())).toBeNull();
    const outcome = feedEvents(new SCGIReader({ duplicateHeaders: "error" }), [head, ...(body as Uint8Array[])]);
    expect(outcome.error).toBeUndefined();
    expect(entries(outcome.headers?.environment)).toEqual(variables);
    expect(text(outcome.body)).toBe("hello world");
  });
});

/** Environments send refuses: each with the error class it throws. */
const UNSENDABLE: {
  name: string;
  environment: () => EnvironmentInit;
  error: new (...args: never[]) => LocalProtocolError;
}[] = [
  { name: "no CONTENT_LENGTH", environment: () => ({ REQUEST_METHOD: "GET" }), error: InvalidContentLengthError },
  { name: "an empty CONTENT_LENGTH", environment: () => ({ CONTENT_LENGTH: "" }), error: InvalidContentLengthError },
  {
    name: "a negative CONTENT_LENGTH",
    environment: () => ({ CONTENT_LENGTH: "-1" }),
    error: InvalidContentLengthError,
  },
  {
    name: "CONTENT_LENGTH with a sign",
    environment: () => ({ CONTENT_LENGTH: "+1" }),
    error: InvalidContentLengthError,
  },
  {
    name: "CONTENT_LENGTH with spaces",
    environment: () => ({ CONTENT_LENGTH: " 1" }),
    error: InvalidContentLengthError,
  },
  {
    name: "CONTENT_LENGTH in exponent notation",
    environment: () => ({ CONTENT_LENGTH: "1e3" }),
    error: InvalidContentLengthError,
  },
  {
    name: "CONTENT_LENGTH beyond 2^53 - 1",
    environment: () => ({ CONTENT_LENGTH: "9007199254740992" }),
    error: InvalidContentLengthError,
  },
  { name: "SCGI 2", environment: () => ({ CONTENT_LENGTH: "0", SCGI: "2" }), error: InvalidSCGIVersionError },
  { name: "SCGI 01", environment: () => ({ CONTENT_LENGTH: "0", SCGI: "01" }), error: InvalidSCGIVersionError },
  { name: "SCGI empty", environment: () => ({ CONTENT_LENGTH: "0", SCGI: "" }), error: InvalidSCGIVersionError },
  {
    name: "an empty name",
    environment: () => [
      ["CONTENT_LENGTH", "0"],
      ["", "x"],
    ],
    error: InvalidVariableNameError,
  },
  {
    name: "NUL in a name",
    environment: () => [
      ["CONTENT_LENGTH", "0"],
      ["A\0B", "x"],
    ],
    error: InvalidVariableNameError,
  },
  { name: "NUL in a value", environment: () => ({ CONTENT_LENGTH: "0", A: "x\0y" }), error: InvalidVariableValueError },
  {
    name: "NUL as a value",
    environment: () => ({ CONTENT_LENGTH: "0", A: latin1("\0") }),
    error: InvalidVariableValueError,
  },
  { name: "a name above U+00FF", environment: () => ({ CONTENT_LENGTH: "0", "\u03a9": "x" }), error: NotISO88591Error },
  {
    name: "a bad variable before a missing CONTENT_LENGTH: the variable is reported",
    environment: () => ({ A: "\0" }),
    error: InvalidVariableValueError,
  },
];

describe("unsendable environments", () => {
  for (const { name, environment, error } of UNSENDABLE) {
    it(`${name}: ${error.name}, and the writer is dead`, () => {
      const writer = new SCGIClientWriter();
      const headers = new RequestHeaders(environment());
      expect(() => writer.send(headers)).toThrow(error);
      expect(writer.state).toBe(TXState.ERROR);
      expect(writer.error).toBeInstanceOf(error);
      expect(() => writer.send(new RequestEnd())).toThrow(writer.error as Error);
    });
  }

  it("messages name what is wrong", () => {
    const send = (environment: EnvironmentInit) => () => new SCGIClientWriter().send(new RequestHeaders(environment));
    expect(send({})).toThrow("Request has no CONTENT_LENGTH variable");
    expect(send({ CONTENT_LENGTH: "x" })).toThrow(
      'Request variable CONTENT_LENGTH is "x", not a whole number in ASCII digits',
    );
    expect(send({ CONTENT_LENGTH: "0", SCGI: "2" })).toThrow('Request variable SCGI is "2"; only "1" can be sent');
    expect(send([["", "x"]])).toThrow("Request variable with an empty name");
    expect(send({ A: "x\0" })).toThrow('Request variable "A" has a value holding a NUL byte: "x\\x00"');
  });

  it("checks the Map as it is when sent: a change after construction is seen", () => {
    const headers = new RequestHeaders({ CONTENT_LENGTH: "0" });
    headers.environment.set("BAD", latin1("\0"));
    expect(() => new SCGIClientWriter().send(headers)).toThrow(InvalidVariableValueError);
  });

  it("a Map changed to hold what is not bytes or a name that is not a string: TypeError, nothing sent, writer usable", () => {
    const writer = new SCGIClientWriter();
    const headers = new RequestHeaders({ CONTENT_LENGTH: "0" });
    (headers.environment as Map<unknown, unknown>).set("A", "a string");
    expect(() => writer.send(headers)).toThrow("Request variable A must have a Uint8Array value, not string");
    headers.environment.delete("A");
    (headers.environment as Map<unknown, unknown>).set(7, latin1("x"));
    expect(() => writer.send(headers)).toThrow("Request variable names must be strings, not number");
    expect(writer.state).toBe(TXState.HEADERS);
    headers.environment.delete(7 as unknown as string);
    expect(text(writer.send(headers))).toBe("24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,");
    const forged = Object.create(RequestHeaders.prototype) as RequestHeaders;
    expect(() => new SCGIClientWriter().send(forged)).toThrow("RequestHeaders.environment must be a Map");
  });
});

describe("the body against CONTENT_LENGTH", () => {
  const start = (contentLength: number): SCGIClientWriter => {
    const writer = new SCGIClientWriter();
    writer.send(new RequestHeaders({ CONTENT_LENGTH: String(contentLength) }));
    return writer;
  };

  it("returns each body chunk as it is, empty ones included, and null at the end", () => {
    const writer = start(3);
    const chunks = [latin1("a"), new Uint8Array(0), latin1("bc")];
    for (const chunk of chunks) expect(writer.send(new RequestBody(chunk))).toBe(chunk);
    expect(writer.send(new RequestEnd())).toBeNull();
    expect(writer.state).toBe(TXState.DONE);
  });

  it("one byte too many, in one chunk or across chunks: BodyLengthMismatchError, and the writer is dead", () => {
    expect(() => start(2).send(new RequestBody(latin1("abc")))).toThrow(new BodyLengthMismatchError(3, 2, false));
    const writer = start(2);
    writer.send(new RequestBody(latin1("ab")));
    expect(() => writer.send(new RequestBody(latin1("c")))).toThrow(BodyLengthMismatchError);
    expect(writer.state).toBe(TXState.ERROR);
    expect(() => writer.send(new RequestEnd())).toThrow(BodyLengthMismatchError);
  });

  it("ending short: BodyLengthMismatchError", () => {
    const writer = start(5);
    writer.send(new RequestBody(latin1("abc")));
    expect(() => writer.send(new RequestEnd())).toThrow("RequestEnd after 3 body bytes; CONTENT_LENGTH declares 5");
    expect(writer.state).toBe(TXState.ERROR);
  });

  it("the largest body announced is accepted, and counted as it goes", () => {
    const writer = start(Number.MAX_SAFE_INTEGER);
    writer.send(new RequestBody(new Uint8Array(1000)));
    expect(writer.state).toBe(TXState.BODY);
  });

  it("a whole request: the bytes are a request the server reads to its end", () => {
    const writer = start(4);
    const bytes = concat(
      writer.send(new RequestBody(latin1("ab"))) as Uint8Array,
      writer.send(new RequestBody(latin1("cd"))) as Uint8Array,
    );
    expect(text(bytes)).toBe("abcd");
  });
});
