/**
 * The event classes: discriminants, what ResponseHeaders extracts and rejects, and the
 * type checks a JavaScript caller meets.
 */

import { describe, expect, it } from "vitest";
import {
  DuplicateResponseHeaderError,
  HopByHopHeaderError,
  InvalidHeaderNameError,
  InvalidHeaderValueError,
  InvalidResponseContentLengthError,
  InvalidStatusError,
  NonDocumentHeadersError,
  NotISO88591Error,
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseBody,
  ResponseEnd,
  ResponseHeaders,
  SCGIReader,
  StatusHeaderError,
} from "../../src/index.js";
import { scgiRequest } from "../support/scgi.js";

describe("discriminants", () => {
  it("each event carries its class name as a literal type", () => {
    const events = [
      new RequestHeaders(new Map()),
      new RequestBody(new Uint8Array(1)),
      new RequestEnd(),
      new ResponseHeaders("200 OK", []),
      new ResponseBody(new Uint8Array(1)),
      new ResponseEnd(),
    ];
    expect(events.map((event) => event.type)).toEqual(events.map((event) => event.constructor.name));
  });

  it("switch (event.type) narrows the union", () => {
    const describe = (event: RequestEvent): string => {
      switch (event.type) {
        case "RequestHeaders":
          return `headers(${event.environment.size})`;
        case "RequestBody":
          return `body(${event.data.length})`;
        case "RequestEnd":
          return "end";
      }
    };
    expect(
      [
        new RequestHeaders(new Map([["A", new Uint8Array()]])),
        new RequestBody(new Uint8Array(3)),
        new RequestEnd(),
      ].map(describe),
    ).toEqual(["headers(1)", "body(3)", "end"]);
  });
});

describe("RequestHeaders of a received request", () => {
  /** The RequestHeaders a reader makes of a small request. */
  function received(): RequestHeaders {
    const reader = new SCGIReader();
    reader.receiveData(
      scgiRequest([
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
      ]),
    );
    return reader.nextEvent() as RequestHeaders;
  }

  it("keeps the reader's environment, whose values are already bytes", () => {
    const { environment } = received();
    expect(environment.get("SCGI")).toEqual(Uint8Array.of(0x31));
  });

  it("a received environment passed to the constructor again is converted into a new Map", () => {
    const { environment } = received();
    // A JavaScript caller can put a string into the received Map; a new RequestHeaders
    // must encode it, not keep it.
    (environment as Map<string, unknown>).set("X_ADDED", "é");
    const again = new RequestHeaders(environment);
    expect(again.environment).not.toBe(environment);
    expect(again.environment.get("X_ADDED")).toEqual(Uint8Array.of(0xe9));
  });
});

describe("ResponseHeaders", () => {
  it("takes Content-Type and Location out, whatever their case, and keeps the rest in order", () => {
    const headers = new ResponseHeaders("301 Moved Permanently", [
      ["X-One", "1"],
      ["LOCATION", "/new"],
      ["content-TYPE", "text/plain"],
      ["X-Two", "2"],
    ]);
    expect(headers.status).toBe("301 Moved Permanently");
    expect(headers.contentType).toBe("text/plain");
    expect(headers.location).toBe("/new");
    expect(headers.otherHeaders).toEqual([
      ["X-One", "1"],
      ["X-Two", "2"],
    ]);
  });

  it("has null Content-Type and Location when they are absent", () => {
    const headers = new ResponseHeaders("200 OK", []);
    expect([headers.contentType, headers.location, headers.otherHeaders]).toEqual([null, null, []]);
  });

  it.each([
    [
      "Content-Type",
      [
        ["Content-Type", "a/b"],
        ["content-type", "c/d"],
      ],
    ],
    [
      "Location",
      [
        ["Location", "/a"],
        ["LOCATION", "/b"],
      ],
    ],
  ] as const)("rejects a second %s (sioscgi 3.0.1 silently dropped it)", (name, headers) => {
    expect(() => new ResponseHeaders("200 OK", headers)).toThrow(DuplicateResponseHeaderError);
    expect(() => new ResponseHeaders("200 OK", headers)).toThrow(`Response header ${name} appears more than once`);
  });

  it.each([
    ["letters", [["Content-Length", "abc"]]],
    ["a minus sign", [["Content-Length", "-1"]]],
    ["a plus sign", [["Content-Length", "+1"]]],
    ["an empty value", [["Content-Length", ""]]],
    ["a list of two numbers", [["Content-Length", "5, 6"]]],
    ["exponent notation", [["Content-Length", "1e3"]]],
    ["a superscript digit", [["Content-Length", "\u00b2"]]],
    ["a number beyond 2^53 - 1", [["content-length", "9007199254740992"]]],
  ] as const)("rejects a Content-Length of %s: it frames the body", (_name, headers) => {
    expect(() => new ResponseHeaders("200 OK", headers)).toThrow(InvalidResponseContentLengthError);
  });

  it.each([
    ["two different values", "5", "6"],
    ["the same value twice", "5", "5"],
  ])("rejects Content-Length given twice, %s", (_name, first, second) => {
    const headers = [
      ["Content-Length", first],
      ["content-length", second],
    ] as const;
    expect(() => new ResponseHeaders("200 OK", headers)).toThrow(DuplicateResponseHeaderError);
  });

  it.each(["0", "5", "0005", "9007199254740991"])(
    "takes a Content-Length of %s, kept among the other headers",
    (value) => {
      expect(new ResponseHeaders("200 OK", [["Content-Length", value]]).otherHeaders).toEqual([
        ["Content-Length", value],
      ]);
    },
  );

  it.each(["Status", "status", "STATUS"])("rejects a %s header: the status has its own argument", (name) => {
    expect(() => new ResponseHeaders("200 OK", [[name, "404 Not Found"]])).toThrow(StatusHeaderError);
  });

  it.each([
    ["non-Latin-1 status", "200 ΟΚ", [], NotISO88591Error],
    ["non-Latin-1 header name", "200 OK", [["X-Ω", "1"]], NotISO88591Error],
    ["header name with CRLF", "200 OK", [["X\r\nSet-Cookie", "a=1"]], InvalidHeaderNameError],
    ["value with CRLF", "200 OK", [["X", "1\r\nSet-Cookie: a=1"]], InvalidHeaderValueError],
    ["status with CRLF", "200 OK\r\nSet-Cookie: a=1", [], InvalidStatusError],
    ["emoji value (a surrogate pair)", "200 OK", [["X", "😀"]], NotISO88591Error],
    ["lower-case hop-by-hop name", "200 OK", [["transfer-encoding", "chunked"]], HopByHopHeaderError],
    ["local redirect without Location", null, [], NonDocumentHeadersError],
    ["local redirect with only other headers", null, [["X", "1"]], NonDocumentHeadersError],
    ["local redirect to an empty Location", null, [["Location", ""]], NonDocumentHeadersError],
  ] as const)("rejects a %s", (_name, status, headers, errorClass) => {
    expect(() => new ResponseHeaders(status, headers)).toThrow(errorClass);
  });

  it("quotes the offending value in the message", () => {
    expect(() => new ResponseHeaders("200 OK", [["X-Thing", "caf\u00e9 \u03a9"]])).toThrow(
      'Response X-Thing value "caf\\xe9 \\u03a9" is not encodable in ISO-8859-1',
    );
  });

  it.each([
    ["a numeric status", 200, []],
    ["an undefined status", undefined, []],
    ["a numeric value", "200 OK", [["Content-Length", 5]]],
    ["a missing value", "200 OK", [["X"]]],
  ])("rejects %s with a TypeError", (_name, status, headers) => {
    expect(() => new ResponseHeaders(status as never, headers as never)).toThrow(TypeError);
  });
});

describe("ResponseHeaders cannot be changed after its checks", () => {
  it("is frozen, and so are its other headers", () => {
    const headers = new ResponseHeaders("200 OK", [["X", "1"]]);
    expect(() => {
      (headers as { status: string }).status = "200 OK\r\nSet-Cookie: evil=1";
    }).toThrow(TypeError);
    expect(() => (headers.otherHeaders as [string, string][]).push(["Y", "a\r\nInjected: 1"])).toThrow(TypeError);
    expect(headers.status).toBe("200 OK");
    expect(headers.otherHeaders).toEqual([["X", "1"]]);
  });
});

describe("body events", () => {
  it.each([
    ["RequestBody", (data: unknown) => new RequestBody(data as Uint8Array)],
    ["ResponseBody", (data: unknown) => new ResponseBody(data as Uint8Array)],
  ])("%s takes a Uint8Array and rejects anything else with a TypeError", (_name, make) => {
    const data = new Uint8Array([1, 2]);
    expect(make(data).data).toBe(data);
    expect(() => make("text")).toThrow(TypeError);
    expect(() => make(null)).toThrow(TypeError);
  });
});
