/**
 * Property tests (fast-check): the reader's results never depend on chunking, requests
 * round-trip, arbitrary input never makes the reader throw anything but a
 * RemoteProtocolError or hold more than its limit, and every ResponseHeaders either is
 * refused with a LocalProtocolError or encodes to a block that parses back to itself. The
 * same for the client: its reader on any bytes, and both directions through both sides.
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
  ResponseBody,
  ResponseEnd,
  type ResponseEvent,
  ResponseHeaders,
  SCGIClientReader,
  SCGIClientWriter,
  SCGIReader,
  SCGIWriter,
} from "../src/index.js";
import { parseHeaderBlock } from "./support/cgi-response.js";
import { feedEvents } from "./support/feed.js";
import { concat, entries, headerFields, latin1, scgiRequest } from "./support/scgi.js";

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
        const whole = feedEvents(new SCGIReader(), [bytes]);
        const split = feedEvents(new SCGIReader(), cut(bytes, offsets));
        expect(split.error).toBeUndefined();
        expect(entries(split.headers?.environment)).toEqual(entries(whole.headers?.environment));
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
        const outcome = feedEvents(new SCGIReader({ duplicateHeaders: "error" }), [bytes]);
        expect([...(outcome.headers?.environment ?? [])]).toEqual(all);
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

describe("the client", () => {
  const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,10}$/);
  const fieldValue = fc.stringMatching(/^[\x21-\x7e\xa0-\xff](?:[\t\x20-\x7e\xa0-\xff]{0,10}[\x21-\x7e\xa0-\xff])?$/);
  /** Headers the writer accepts: ordinary names, and at most one Content-Type and Location. */
  const responseHeaders = fc
    .record({
      status: fc.oneof(fc.constant(null), fc.constantFrom("200 OK", "404 Not Found", "301 Moved Permanently", "599")),
      contentType: fc.option(fieldValue, { nil: undefined }),
      location: fc.option(fc.stringMatching(/^\/[\x21-\x7e]{0,10}$/), { nil: undefined }),
      others: fc.array(
        fc.tuple(
          token.filter(
            (name) =>
              ![
                "status",
                "content-type",
                "location",
                "content-length",
                "connection",
                "keep-alive",
                "te",
                "trailers",
                "transfer-encoding",
                "upgrade",
                "proxy-authenticate",
                "proxy-authorization",
              ].includes(name.toLowerCase()),
          ),
          fc.oneof(fieldValue, fc.constant("")),
        ),
        { maxLength: 5 },
      ),
    })
    .map(({ status, contentType, location, others }) => {
      if (status === null) return new ResponseHeaders(null, [["Location", location ?? "/"]]);
      const fields: [string, string][] = [...others];
      if (contentType !== undefined) fields.push(["Content-Type", contentType]);
      if (location !== undefined) fields.unshift(["Location", location]);
      return new ResponseHeaders(status, fields);
    });

  it("reads back every response this library's server writes, however it is split", () => {
    fc.assert(
      fc.property(
        responseHeaders,
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (headers, body, offsets) => {
          const writer = new SCGIWriter();
          const parts = [writer.send(headers) as Uint8Array];
          if (headers.status !== null) parts.push(writer.send(new ResponseBody(body)) as Uint8Array);
          writer.send(new ResponseEnd());
          const outcome = feedEvents(new SCGIClientReader(), cut(concat(...parts), offsets));
          expect(outcome.error).toBeUndefined();
          expect(headerFields(outcome.headers)).toEqual({
            ...(headerFields(headers) as object),
            status: headers.status ?? "302 Found",
          });
          expect(outcome.body).toEqual(headers.status === null ? new Uint8Array(0) : body);
          expect(outcome.events.at(-1)).toBeInstanceOf(ResponseEnd);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("on any bytes, split anyhow, yields only events or a RemoteProtocolError, within its limit", () => {
    const limit = 48;
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc
        .tuple(
          fc.constantFrom("Status: 200 OK\r\n", "Content-Length: 3\r\n", "HTTP/1.1 200 OK\n", "X: y\n\n", "\r\n"),
          fc.uint8Array({ maxLength: 120 }),
        )
        .map(([prefix, tail]) => concat(latin1(prefix), tail)),
      fc
        .array(fc.constantFrom("Status: 204", "Content-Length: 2", "X:y", " folded", "", "\r", "Location: /", "a"), {
          maxLength: 6,
        })
        .map((lines) => latin1(`${lines.join("\n")}\r\n\r\nab`)),
    );
    fc.assert(
      fc.property(input, fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (bytes, offsets, eof) => {
        const reader = new SCGIClientReader({ rxBufferLimit: limit });
        const events: ResponseEvent[] = [];
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
        if (events.length > 0) expect(events[0]).toBeInstanceOf(ResponseHeaders);
        expect(events.slice(1, eof ? -1 : undefined).every((event) => event instanceof ResponseBody)).toBe(true);
        if (eof) expect(events.at(-1)).toBeInstanceOf(ResponseEnd);
      }),
      { numRuns: 2000 },
    );
  });

  it("writes every valid environment as a request the server reads back, or refuses it with a LocalProtocolError", () => {
    const anyName = fc.oneof(variableName, fc.constantFrom("", "A\0B", "\u03a9", "SCGI"));
    const anyValue = fc.oneof(variableValue, fc.constant(latin1("a\0")));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(anyName, anyValue), { selector: ([name]) => name, maxLength: 6 }),
        fc.uint8Array({ maxLength: 32 }),
        (variables, body) => {
          const environment: [string, Uint8Array][] = [["CONTENT_LENGTH", latin1(String(body.length))], ...variables];
          const writer = new SCGIClientWriter();
          let head: Uint8Array;
          try {
            head = writer.send(new RequestHeaders(environment)) as Uint8Array;
          } catch (error) {
            expect(error).toBeInstanceOf(LocalProtocolError);
            return;
          }
          writer.send(new RequestBody(body));
          writer.send(new RequestEnd());
          const outcome = feedEvents(new SCGIReader({ duplicateHeaders: "error" }), [head, body]);
          expect(outcome.error).toBeUndefined();
          const withoutSCGI = environment.filter(([name]) => name !== "SCGI");
          expect([...(outcome.headers?.environment ?? [])]).toEqual([
            withoutSCGI[0],
            ["SCGI", latin1("1")],
            ...withoutSCGI.slice(1),
          ]);
          expect(outcome.body).toEqual(body);
        },
      ),
      { numRuns: 500 },
    );
  });
});
