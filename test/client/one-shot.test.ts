/**
 * encodeRequest and decodeResponse: a whole request to bytes the server reads back, whole
 * response bytes to status, headers and body, with the streaming API's errors.
 */

import { describe, expect, it } from "vitest";
import {
  BodyLengthMismatchError,
  decodeResponse,
  encodeRequest,
  IncompleteResponseError,
  InvalidVariableNameError,
  ResponseBody,
  ResponseEnd,
  ResponseHeaders,
  SCGIReader,
  SCGIWriter,
} from "../../src/index.js";
import { feedEvents } from "../support/feed.js";
import { concat, entries, latin1 } from "../support/scgi.js";

const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

describe("encodeRequest", () => {
  it("adds CONTENT_LENGTH from the body when the environment has none, first, then SCGI, then the variables", () => {
    const bytes = encodeRequest({ REQUEST_METHOD: "POST", REQUEST_URI: "/RPC2" }, latin1("<call/>"));
    expect(text(bytes)).toBe(
      "62:CONTENT_LENGTH\x007\x00SCGI\x001\x00REQUEST_METHOD\x00POST\x00REQUEST_URI\x00/RPC2\x00,<call/>",
    );
    const outcome = feedEvents(new SCGIReader(), [bytes]);
    expect(entries(outcome.headers?.environment)).toEqual([
      ["CONTENT_LENGTH", "7"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "POST"],
      ["REQUEST_URI", "/RPC2"],
    ]);
    expect(text(outcome.body)).toBe("<call/>");
  });

  it("takes a CONTENT_LENGTH that matches the body, and refuses one that does not", () => {
    expect(text(encodeRequest([["CONTENT_LENGTH", "2"]], latin1("ab")))).toBe(
      "24:CONTENT_LENGTH\x002\x00SCGI\x001\x00,ab",
    );
    expect(() => encodeRequest({ CONTENT_LENGTH: "3" }, latin1("ab"))).toThrow(BodyLengthMismatchError);
    expect(() => encodeRequest({ CONTENT_LENGTH: "1" }, latin1("ab"))).toThrow(BodyLengthMismatchError);
  });

  it("has an empty body by default, and refuses what send refuses", () => {
    expect(text(encodeRequest({}))).toBe("24:CONTENT_LENGTH\x000\x00SCGI\x001\x00,");
    expect(() => encodeRequest([["", "x"]])).toThrow(InvalidVariableNameError);
  });
});

describe("decodeResponse", () => {
  it("gives the status code, the ResponseHeaders and the body as a view into the bytes", () => {
    const bytes = latin1("Status: 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nnope");
    const { status, headers, body } = decodeResponse(bytes);
    expect(status).toBe(404);
    expect(headers).toBeInstanceOf(ResponseHeaders);
    expect([headers.status, headers.contentType, headers.otherHeaders]).toEqual([
      "404 Not Found",
      "text/plain",
      [["Content-Length", "4"]],
    ]);
    expect(text(body)).toBe("nope");
    expect(body.buffer).toBe(bytes.buffer);
  });

  it("reads what this library's server writes, and an empty body as an empty array", () => {
    const writer = new SCGIWriter();
    const bytes = concat(
      writer.send(new ResponseHeaders("200 OK", [["Content-Type", "application/json"]])) as Uint8Array,
      writer.send(new ResponseBody(latin1("{}"))) as Uint8Array,
    );
    writer.send(new ResponseEnd());
    expect(decodeResponse(bytes).status).toBe(200);
    expect(text(decodeResponse(bytes).body)).toBe("{}");
    expect(decodeResponse(latin1("Location: /x\r\n\r\n"))).toMatchObject({ status: 302, body: new Uint8Array(0) });
  });

  it("throws the reader's errors: nothing, or a short body, is an incomplete response", () => {
    expect(() => decodeResponse(new Uint8Array(0))).toThrow(IncompleteResponseError);
    expect(() => decodeResponse(latin1("Content-Length: 9\r\n\r\nabc"))).toThrow(IncompleteResponseError);
  });

  it("takes the reader's options: a HEAD response's Content-Length is not held against it", () => {
    const bytes = latin1("Status: 200 OK\r\nContent-Length: 9\r\n\r\n");
    expect(decodeResponse(bytes, { requestMethod: "HEAD" }).body.length).toBe(0);
    expect(() => decodeResponse(latin1("X-Long: 12345\r\n\r\n"), { rxBufferLimit: 8 })).toThrow(/limit of 8 bytes/);
  });
});
