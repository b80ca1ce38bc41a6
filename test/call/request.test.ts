/**
 * What `scgiRequest` sends and refuses before it connects: targets, the environment's
 * defaults, the body's forms and length, and the options' checks.
 */

import { describe, expect, it } from "vitest";
import { prepareRequest, type SCGIRequestInit } from "../../src/call/request.js";
import { resolveTarget, type SCGITarget } from "../../src/call/target.js";
import {
  BodyLengthMismatchError,
  InvalidContentLengthError,
  NotISO88591Error,
  RequestHeaders,
  SCGIReader,
} from "../../src/index.js";
import { feedEvents } from "../support/feed.js";
import { concat, entries, utf8 } from "../support/scgi.js";

describe("targets", () => {
  it.each([
    ["127.0.0.1:5000", { host: "127.0.0.1", port: 5000, name: "127.0.0.1:5000" }],
    ["localhost:1", { host: "localhost", port: 1, name: "localhost:1" }],
    ["[::1]:65535", { host: "::1", port: 65535, name: "[::1]:65535" }],
    ["unix:/run/rtorrent.sock", { path: "/run/rtorrent.sock", name: "unix:/run/rtorrent.sock" }],
    [
      { host: "127.0.0.1", port: 80 },
      { host: "127.0.0.1", port: 80, name: "127.0.0.1:80" },
    ],
    [
      { host: "::1", port: 80 },
      { host: "::1", port: 80, name: "[::1]:80" },
    ],
    [{ path: "/tmp/s" }, { path: "/tmp/s", name: "unix:/tmp/s" }],
  ] as [SCGITarget, unknown][])("%o", (target, resolved) => {
    expect(resolveTarget(target)).toEqual(resolved);
  });

  it.each([
    ["a host alone", "127.0.0.1", /is not "host:port"/],
    ["a port alone", ":5000", /is not "host:port"/],
    ["an IPv6 host without brackets", "::1:5000", /is not "host:port"/],
    ["port 0", "127.0.0.1:0", /needs a port from 1 to 65535/],
    ["a port over 65535", "127.0.0.1:65536", /needs a port from 1 to 65535/],
    ["unix: without a path", "unix:", /has no socket path/],
    ["a fractional port", { host: "h", port: 1.5 }, /needs a port/],
    ["a port as a string", { host: "h", port: "5000" }, /needs a port/],
    ["an empty object", {}, /is "host:port", "unix:\/path", \{ host, port \} or \{ path \}/],
    ["null", null, /is "host:port"/],
    ["a number", 5000, /is "host:port"/],
  ])("%s: TypeError", (_, target, message) => {
    expect(() => resolveTarget(target as SCGITarget)).toThrow(TypeError);
    expect(() => resolveTarget(target as SCGITarget)).toThrow(message);
  });
});

/** What a server reads from the prepared request's bytes (the streamed body aside). */
function sent(init: SCGIRequestInit): { variables: [string, string][]; body: string } {
  const outcome = feedEvents(new SCGIReader(), [concat(...prepareRequest(init).bytes)], false);
  return {
    variables: entries(outcome.headers?.environment),
    body: new TextDecoder().decode(outcome.body),
  };
}

describe("the request", () => {
  it("without anything: a GET of / with an empty body", () => {
    expect(sent({})).toEqual({
      variables: [
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ["REQUEST_METHOD", "GET"],
        ["REQUEST_URI", "/"],
      ],
      body: "",
    });
  });

  it("a string body: UTF-8, CONTENT_LENGTH in bytes (not UTF-16 units), POST", () => {
    const body = "Zoë ☃ 𝄞";
    const { variables, body: received } = sent({ body, environment: { CONTENT_TYPE: "text/xml" } });
    expect(variables).toEqual([
      ["CONTENT_LENGTH", String(utf8(body).length)],
      ["SCGI", "1"],
      ["CONTENT_TYPE", "text/xml"],
      ["REQUEST_METHOD", "POST"],
      ["REQUEST_URI", "/"],
    ]);
    expect(utf8(body).length).not.toBe(body.length);
    expect(received).toBe(body);
  });

  it("a byte body is sent as it is; an empty one still makes a POST", () => {
    expect(sent({ body: Uint8Array.of(0, 255, 10) }).variables[0]).toEqual(["CONTENT_LENGTH", "3"]);
    expect(sent({ body: new Uint8Array(0) }).variables).toContainEqual(["REQUEST_METHOD", "POST"]);
    expect(sent({ body: "" }).variables).toContainEqual(["REQUEST_METHOD", "POST"]);
  });

  it("keeps what the environment gives, in any of RequestHeaders' shapes, and fills in only the rest", () => {
    const given: [string, string][] = [
      ["REQUEST_URI", "/RPC2"],
      ["REQUEST_METHOD", "PUT"],
      ["SCGI", "1"],
      ["CONTENT_LENGTH", "2"],
    ];
    for (const environment of [given, new Map(given), Object.fromEntries(given)]) {
      expect(sent({ environment, body: "hi" }).variables).toEqual([
        ["CONTENT_LENGTH", "2"],
        ["SCGI", "1"],
        ["REQUEST_URI", "/RPC2"],
        ["REQUEST_METHOD", "PUT"],
      ]);
    }
  });

  it("a stream body takes its CONTENT_LENGTH from contentLength, or from the environment", () => {
    const stream = (): ReadableStream<Uint8Array> => new ReadableStream();
    const withLength = prepareRequest({ body: stream(), contentLength: 7 });
    expect(withLength.stream).not.toBeNull();
    const { headers } = feedEvents(new SCGIReader(), [concat(...withLength.bytes)], false);
    expect(entries(headers?.environment)).toContainEqual(["CONTENT_LENGTH", "7"]);
    expect(entries(headers?.environment)).toContainEqual(["REQUEST_METHOD", "POST"]);
    const fromEnvironment = prepareRequest({ body: stream(), environment: { CONTENT_LENGTH: "9" } });
    expect(
      entries(feedEvents(new SCGIReader(), [concat(...fromEnvironment.bytes)], false).headers?.environment)[0],
    ).toEqual(["CONTENT_LENGTH", "9"]);
    expect(prepareRequest({ body: stream(), contentLength: 9, environment: { CONTENT_LENGTH: "9" } }).stream).not.toBe(
      null,
    );
  });

  it("knows a HEAD request, whose answer has no body", () => {
    expect(prepareRequest({ environment: { REQUEST_METHOD: "HEAD" } }).head).toBe(true);
    expect(prepareRequest({}).head).toBe(false);
  });

  it.each([
    ["a stream without a length", { body: new ReadableStream() }, TypeError, /needs contentLength/],
    ["a body of another type", { body: 42 }, TypeError, /is a string, a Uint8Array or a ReadableStream/],
    ["an ArrayBuffer body", { body: new ArrayBuffer(2) }, TypeError, /is a string, a Uint8Array/],
    ["a negative contentLength", { body: new ReadableStream(), contentLength: -1 }, RangeError, /contentLength/],
    ["a fractional contentLength", { body: new ReadableStream(), contentLength: 0.5 }, RangeError, /contentLength/],
    ["contentLength against a byte body", { body: "abc", contentLength: 4 }, RangeError, /disagrees/],
    [
      "contentLength against CONTENT_LENGTH",
      { body: new ReadableStream(), contentLength: 4, environment: { CONTENT_LENGTH: "5" } },
      RangeError,
      /disagrees/,
    ],
    ["a zero timeout", { timeout: 0 }, RangeError, /timeout must be a number of milliseconds above 0/],
    // A timer turns these into 1 ms: the call would time out at once.
    ["an Infinity timeout", { timeout: Number.POSITIVE_INFINITY }, RangeError, /at most 2147483647, not Infinity/],
    ["a timeout above 2^31-1", { timeout: 2 ** 31 }, RangeError, /at most 2147483647, not 2147483648/],
    ["an rxBufferLimit of 0", { rxBufferLimit: 0 }, RangeError, /rxBufferLimit/],
    ["a NaN timeout", { timeout: Number.NaN }, RangeError, /timeout/],
    [
      "a number in the environment",
      { environment: { CONTENT_LENGTH: 3 } },
      TypeError,
      /variable "CONTENT_LENGTH" .* not the number 3: give String\(3\)/,
    ],
    ["a value above U+00FF", { environment: { X: "☃" } }, NotISO88591Error, /X/],
    [
      "CONTENT_LENGTH against the body",
      { environment: { CONTENT_LENGTH: "2" }, body: "abc" },
      BodyLengthMismatchError,
      /3/,
    ],
    ["CONTENT_LENGTH that is not a number", { environment: { CONTENT_LENGTH: "x" } }, InvalidContentLengthError, /x/],
  ])("%s: refused before connecting", (_, init, type, message) => {
    expect(() => prepareRequest(init as SCGIRequestInit)).toThrow(type as new () => Error);
    expect(() => prepareRequest(init as SCGIRequestInit)).toThrow(message);
  });

  it("takes the longest timeout a timer can wait", () => {
    expect(prepareRequest({ timeout: 2 ** 31 - 1 }).timeout).toBe(2 ** 31 - 1);
  });

  it("copies nothing it is not asked to: the caller's environment is left as it was", () => {
    const environment = new Map([["X", "1"]]);
    prepareRequest({ environment });
    expect([...environment]).toEqual([["X", "1"]]);
    const headers = new RequestHeaders(environment);
    expect(headers.environment.size).toBe(1);
  });
});
