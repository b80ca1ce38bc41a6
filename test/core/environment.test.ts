/**
 * RequestHeaders built by a caller: every shape of environment, strings and bytes, what
 * the conversion refuses, and the reader's own Map taken as it is.
 */

import { describe, expect, it } from "vitest";
import { receivedRequestHeaders } from "../../src/core/events.js";
import {
  DuplicateRequestVariableError,
  type EnvironmentInit,
  NotISO88591Error,
  RequestHeaders,
  SCGIReader,
} from "../../src/index.js";
import { entries, latin1, scgiRequest } from "../support/scgi.js";

const EXPECTED: [string, string][] = [
  ["CONTENT_LENGTH", "0"],
  ["REQUEST_METHOD", "GET"],
  ["HTTP_X_NAME", "caf\xe9"],
];

/** The same environment in every shape the constructor takes. */
const SHAPES: Record<string, () => EnvironmentInit> = {
  "a Map of strings": () => new Map(EXPECTED),
  "a Map of bytes": () => new Map(EXPECTED.map(([name, value]) => [name, latin1(value)])),
  "a Map of both": () =>
    new Map<string, string | Uint8Array>([...EXPECTED.slice(0, 2), ["HTTP_X_NAME", latin1("caf\xe9")]]),
  "an array of pairs": () => EXPECTED,
  "a generator of pairs": () =>
    (function* () {
      yield* EXPECTED;
    })(),
  "a plain object": () => ({ CONTENT_LENGTH: "0", REQUEST_METHOD: "GET", HTTP_X_NAME: "caf\xe9" }),
};

describe("the shapes of an environment", () => {
  for (const [shape, make] of Object.entries(SHAPES)) {
    it(`${shape} becomes a Map of bytes in the same order`, () => {
      const headers = new RequestHeaders(make());
      expect(headers.environment).toBeInstanceOf(Map);
      expect(entries(headers.environment)).toEqual(EXPECTED);
      for (const value of headers.environment.values()) expect(value).toBeInstanceOf(Uint8Array);
    });
  }

  it("a web Headers works too, as pairs (its names lower-cased and sorted, as it keeps them)", () => {
    expect(entries(new RequestHeaders(new Headers({ B: "2", A: "1" })).environment)).toEqual([
      ["a", "1"],
      ["b", "2"],
    ]);
  });

  it("always makes a new Map, and keeps byte values without copying them", () => {
    const value = latin1("v");
    const given = new Map([["NAME", value]]);
    const headers = new RequestHeaders(given);
    expect(headers.environment).not.toBe(given);
    expect(headers.environment.get("NAME")).toBe(value);
    const buffer = Buffer.from("node");
    expect(new RequestHeaders([["B", buffer]]).environment.get("B")).toBe(buffer);
  });

  it("encodes strings as ISO-8859-1, one byte per character up to U+00FF", () => {
    const headers = new RequestHeaders({ A: "\x00\x7f\x80\xe9\xff", EMPTY: "" });
    expect([...(headers.environment.get("A") as Uint8Array)]).toEqual([0x00, 0x7f, 0x80, 0xe9, 0xff]);
    expect(headers.environment.get("EMPTY")).toEqual(new Uint8Array(0));
  });

  it("a variable named __proto__ is an ordinary entry, from pairs or from JSON", () => {
    expect(entries(new RequestHeaders([["__proto__", "x"]]).environment)).toEqual([["__proto__", "x"]]);
    const parsed = JSON.parse('{"__proto__": "y", "constructor": "z"}') as Record<string, string>;
    expect(entries(new RequestHeaders(parsed).environment)).toEqual([
      ["__proto__", "y"],
      ["constructor", "z"],
    ]);
  });

  it("takes a plain object's own enumerable properties only", () => {
    const inherited = Object.create({ INHERITED: "no" }) as Record<string, string>;
    inherited.OWN = "yes";
    Object.defineProperty(inherited, "HIDDEN", { value: "no", enumerable: false });
    expect(entries(new RequestHeaders(inherited).environment)).toEqual([["OWN", "yes"]]);
  });
});

describe("what the conversion refuses", () => {
  it("a string value above U+00FF: NotISO88591Error, naming the variable", () => {
    expect(() => new RequestHeaders({ HTTP_X: "caf\xe9 \u03a9" })).toThrow(
      new NotISO88591Error("Request variable HTTP_X value", "caf\xe9 \u03a9"),
    );
    expect(() => new RequestHeaders({ HTTP_X: "\u2603" })).toThrow(
      'Request variable HTTP_X value "\\u2603" is not encodable in ISO-8859-1',
    );
  });

  it("a name given twice in pairs: DuplicateRequestVariableError, whatever the values", () => {
    expect(
      () =>
        new RequestHeaders([
          ["HTTP_COOKIE", "a=1"],
          ["HTTP_COOKIE", "b=2"],
        ]),
    ).toThrow(DuplicateRequestVariableError);
    expect(
      () =>
        new RequestHeaders([
          ["X", latin1("1")],
          ["X", "1"],
        ]),
    ).toThrow('Request variable "X" is given more than once');
  });

  const TYPE_ERRORS: [string, unknown][] = [
    ["null", null],
    ["undefined", undefined],
    ["a string", "CONTENT_LENGTH=0"],
    ["a number", 42],
    ["an entry that is not a pair", [["A"]]],
    ["an entry with three elements", [["A", "1", "2"]]],
    ["an entry that is a string", ["AB"]],
    ["a name that is not a string", [[1, "x"]]],
    ["a value that is a number", { A: 1 }],
    ["a value that is an ArrayBuffer", { A: new ArrayBuffer(1) }],
    ["a value that is null", new Map([["A", null]])],
  ];
  for (const [what, environment] of TYPE_ERRORS) {
    it(`${what}: TypeError`, () => {
      expect(() => new RequestHeaders(environment as EnvironmentInit)).toThrow(TypeError);
    });
  }

  it.each([
    [
      { CONTENT_LENGTH: 42 },
      'variable "CONTENT_LENGTH" must have a string or Uint8Array value, not the number 42: give String(42)',
    ],
    [[["SCGI", 1n]], 'variable "SCGI" must have a string or Uint8Array value, not the bigint 1: give String(1)'],
    [
      new Map([["HTTPS", true]]),
      'variable "HTTPS" must have a string or Uint8Array value, not the boolean true: give String(true)',
    ],
    [{ A: new ArrayBuffer(1) }, 'variable "A" must have a string or Uint8Array value, not ArrayBuffer'],
    [{ A: undefined }, 'variable "A" must have a string or Uint8Array value, not undefined'],
  ])("a value of the wrong type: a TypeError naming the variable and the value (%o)", (environment, message) => {
    expect(() => new RequestHeaders(environment as unknown as EnvironmentInit)).toThrow(
      new TypeError(`RequestHeaders ${message}`),
    );
  });

  it("leaves empty names, NUL and CONTENT_LENGTH to send, so a partial environment can still be built", () => {
    const headers = new RequestHeaders([
      ["", "x"],
      ["A\0B", "y\0"],
    ]);
    expect(headers.environment.size).toBe(2);
    expect(new RequestHeaders({}).environment.size).toBe(0);
  });
});

describe("the reader's RequestHeaders", () => {
  it("holds the Map the reader made, as it is, and only that one", () => {
    const map = new Map([["NAME", latin1("value")]]);
    expect(receivedRequestHeaders(map).environment).toBe(map);
    // The hand-over lasts one call: the same Map given by a caller afterwards is copied.
    expect(new RequestHeaders(map).environment).not.toBe(map);
  });

  it("gives a received request's environment in wire order, values as bytes", () => {
    const reader = new SCGIReader();
    reader.receiveData(
      scgiRequest([
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["X", "y"],
      ]),
    );
    const headers = reader.nextEvent() as RequestHeaders;
    expect(entries(headers.environment)).toEqual([
      ["CONTENT_LENGTH", "0"],
      ["SCGI", "1"],
      ["X", "y"],
    ]);
  });
});
