/**
 * Property tests (fast-check): the reader's results never depend on chunking, requests
 * round-trip, arbitrary input never makes the reader throw anything but a
 * RemoteProtocolError or hold more than its limit, and every ResponseHeaders either is
 * refused with a LocalProtocolError or encodes to a block that parses back to itself.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LocalProtocolError,
  RemoteProtocolError,
  RequestBody,
  RequestEnd,
  type RequestEvent,
  RequestHeaders,
  ResponseHeaders,
  SCGIReader,
  SCGIWriter,
} from "../src/index.js";
import { parseHeaderBlock } from "./support/cgi-response.js";
import { concat, entries, feed, latin1, scgiRequest } from "./support/scgi.js";

/** A variable name: Latin-1 without NUL, not empty, not one of the two the encoder adds. */
const variableName = fc
  .string({
    unit: fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code)),
    minLength: 1,
    maxLength: 12,
  })
  .filter((name) => name !== "CONTENT_LENGTH" && name !== "SCGI");

/** A variable value: bytes without NUL. */
const variableValue = fc.uint8Array({ min: 1, max: 255, maxLength: 24 });

/** A valid request: CONTENT_LENGTH, SCGI, then distinct variables, and a body of the declared length. */
const validRequest = fc
  .record({
    variables: fc.uniqueArray(fc.tuple(variableName, variableValue), { selector: ([name]) => name, maxLength: 8 }),
    body: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ variables, body }) => {
    const all: [string, Uint8Array][] = [
      ["CONTENT_LENGTH", latin1(String(body.length))],
      ["SCGI", latin1("1")],
      ...variables,
    ];
    return { all, body, bytes: scgiRequest(all, body) };
  });

/** Cuts `bytes` at the given offsets (taken modulo its length), in order. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((offset) => offset % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.slice(start, point));
    start = point;
  }
  return chunks;
}

describe("the reader", () => {
  it("gives the same headers and body, RequestEnd last, however a valid request is split", () => {
    fc.assert(
      fc.property(validRequest, fc.array(fc.nat(), { maxLength: 10 }), ({ bytes }, offsets) => {
        const whole = feed(new SCGIReader(), [bytes]);
        const split = feed(new SCGIReader(), cut(bytes, offsets));
        expect(split.error).toBeUndefined();
        expect(entries(split.environment)).toEqual(entries(whole.environment));
        expect(split.body).toEqual(whole.body);
        expect(split.events.at(-1)).toBeInstanceOf(RequestEnd);
        expect(
          split.events.filter((event) => event instanceof RequestBody).every((event) => event.data.length > 0),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("parses an encoded environment and body back to the same variables and body", () => {
    fc.assert(
      fc.property(validRequest, ({ all, body, bytes }) => {
        const outcome = feed(new SCGIReader({ duplicateHeaders: "error" }), [bytes]);
        expect([...(outcome.environment ?? [])]).toEqual(all);
        expect(outcome.body).toEqual(body);
      }),
      { numRuns: 300 },
    );
  });

  it("on any bytes, split anyhow, yields only events or a RemoteProtocolError, within its limit", () => {
    const limit = 48;
    // Arbitrary bytes, and arbitrary bytes after a plausible prefix, so that the deeper states are reached too.
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(fc.constantFrom("24:", "30:CONTENT_LENGTH\u00005\u0000", "2", "48:"), fc.uint8Array({ maxLength: 120 }))
        .map(([prefix, tail]) => concat(latin1(prefix), tail)),
      validRequest.chain(({ bytes }) => fc.uint8Array({ maxLength: 16 }).map((tail) => concat(bytes, tail))),
    );
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (bytes, offsets, eof) => {
        const reader = new SCGIReader({ rxBufferLimit: limit });
        const events: RequestEvent[] = [];
        for (const chunk of [...cut(bytes, offsets), ...(eof ? [new Uint8Array(0)] : [])]) {
          reader.receiveData(chunk);
          expect(reader.bufferedBytes).toBeLessThanOrEqual(limit);
          try {
            events.push(...reader.events());
          } catch (error) {
            expect(error).toBeInstanceOf(RemoteProtocolError);
            return;
          }
        }
        const types = events.map((event) => event.type);
        if (types.length > 0) expect(events[0]).toBeInstanceOf(RequestHeaders);
        expect(types.slice(1, -1).every((type) => type === "RequestBody")).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the writer", () => {
  const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,10}$/);
  const name = fc.oneof(
    token,
    fc.constantFrom("Content-Type", "content-type", "Location", "Set-Cookie", "Status", "Connection"),
    fc.string({ maxLength: 6 }),
  );
  // Mostly valid field values, so that most cases get past the checks and are encoded.
  const value = fc.oneof(
    { arbitrary: fc.stringMatching(/^[\t\x20-\x7e\xa0-\xff]{0,12}$/), weight: 4 },
    { arbitrary: fc.string({ maxLength: 12 }), weight: 1 },
    { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 12 }), weight: 1 },
  );
  const status = fc.oneof(
    fc.constant(null),
    fc.constantFrom("200 OK", "301 Moved Permanently", "204"),
    fc
      .tuple(fc.integer({ min: 100, max: 999 }), fc.string({ maxLength: 10 }))
      .map(([code, reason]) => `${code} ${reason}`),
    fc.string({ maxLength: 10 }),
  );

  it("either refuses headers with a LocalProtocolError or encodes them to a block that parses back to them", () => {
    fc.assert(
      fc.property(status, fc.array(fc.tuple(name, value), { maxLength: 6 }), (statusLine, headers) => {
        let event: ResponseHeaders;
        try {
          event = new ResponseHeaders(statusLine, headers);
        } catch (error) {
          expect(error).toBeInstanceOf(LocalProtocolError);
          return;
        }
        const { fields, rest } = parseHeaderBlock(new SCGIWriter().send(event) as Uint8Array);
        expect(rest.length).toBe(0);
        const lower = (field: readonly [string, string]) => field[0].toLowerCase();
        const special = (wanted: string) => headers.filter((field) => lower(field) === wanted).map(([, text]) => text);
        expect(fields.filter((field) => lower(field) === "status").map(([, text]) => text)).toEqual(
          statusLine === null ? [] : [statusLine],
        );
        expect(fields.filter((field) => lower(field) === "content-type").map(([, text]) => text)).toEqual(
          special("content-type"),
        );
        expect(fields.filter((field) => lower(field) === "location").map(([, text]) => text)).toEqual(
          special("location"),
        );
        const ordinary = (field: readonly [string, string]) =>
          !["status", "content-type", "location"].includes(lower(field));
        expect(fields.filter(ordinary)).toEqual(headers.filter(ordinary).map(([n, v]) => [n, v]));
      }),
      { numRuns: 2000 },
    );
  });
});
