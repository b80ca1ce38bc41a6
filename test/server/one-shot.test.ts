/**
 * encodeResponse: a whole response to bytes, which the client side reads back as the same
 * status, headers and body, with the streaming writer's errors.
 */

import { describe, expect, it } from "vitest";
import {
  BadEventInStateError,
  decodeResponse,
  encodeResponse,
  ResponseBody,
  ResponseEnd,
  ResponseHeaders,
  SCGIWriter,
} from "../../src/index.js";
import { latin1 } from "../support/scgi.js";

const text = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

describe("encodeResponse", () => {
  it("writes the header block, then the body, as the streaming writer would", () => {
    const headers = new ResponseHeaders("404 Not Found", [
      ["Content-Type", "text/plain"],
      ["X-Trace", "1"],
    ]);
    const body = latin1("no such page\n");
    const writer = new SCGIWriter();
    const streamed = [writer.send(headers), writer.send(new ResponseBody(body)), writer.send(new ResponseEnd())];
    expect(text(encodeResponse(headers, body))).toBe(
      streamed.map((bytes) => text(bytes ?? new Uint8Array(0))).join(""),
    );
    expect(text(encodeResponse(headers, body))).toBe(
      "Content-Type: text/plain\r\nStatus: 404 Not Found\r\nX-Trace: 1\r\n\r\nno such page\n",
    );
  });

  it("is read back by the client side as the same response", () => {
    const decoded = decodeResponse(
      encodeResponse(new ResponseHeaders("200 OK", [["Content-Type", "application/json"]]), latin1("{}")),
    );
    expect(decoded.status).toBe(200);
    expect(decoded.headers.contentType).toBe("application/json");
    expect(text(decoded.body)).toBe("{}");
  });

  it.each([
    ["no body", undefined],
    ["an empty body", new Uint8Array(0)],
  ])("writes only the header block for %s, which a local redirect needs", (_, body) => {
    expect(text(encodeResponse(new ResponseHeaders(null, [["Location", "/elsewhere"]]), body))).toBe(
      "Location: /elsewhere\r\n\r\n",
    );
  });

  it("refuses a body after headers that allow none, and a body that is not bytes", () => {
    const redirect = new ResponseHeaders(null, [["Location", "/elsewhere"]]);
    expect(() => encodeResponse(redirect, latin1("x"))).toThrow(BadEventInStateError);
    expect(() => encodeResponse(new ResponseHeaders("200 OK", []), "x" as unknown as Uint8Array)).toThrow(TypeError);
  });
});
