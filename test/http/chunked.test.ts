/** The chunked-body decoder: Node's framing removed whatever the write boundaries. */

import { describe, expect, it } from "vitest";
import { ChunkedDecoder } from "../../src/http/chunked.js";
import { latin1 } from "../support/scgi.js";

/** Decodes `framed` cut into the given pieces; returns the body and whether the last chunk was seen. */
function decode(pieces: Uint8Array[]): { body: string; done: boolean } {
  const decoder = new ChunkedDecoder();
  let body = "";
  for (const piece of pieces) for (const data of decoder.decode(piece)) body += Buffer.from(data).toString("latin1");
  return { body, done: decoder.done };
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function cuts(bytes: Uint8Array): Uint8Array[][] {
  const ways = [[bytes], Array.from(bytes, (byte) => Uint8Array.of(byte))];
  for (let at = 1; at < bytes.length; at++) ways.push([bytes.subarray(0, at), bytes.subarray(at)]);
  return ways;
}

describe("ChunkedDecoder", () => {
  it.each(cuts(latin1("4\r\none \r\na\r\ntwo three \r\n0\r\nX-Sum: 3\r\n\r\n")))(
    "gives the data of every chunk, and drops the trailers (cut %#)",
    (...pieces) => {
      expect(decode(pieces)).toEqual({ body: "one two three ", done: true });
    },
  );

  it("reads upper-case hexadecimal sizes", () => {
    expect(decode([latin1("A\r\n0123456789\r\n0\r\n\r\n")]).body).toBe("0123456789");
  });

  it("has not seen the end until the last chunk", () => {
    expect(decode([latin1("1\r\nx\r\n")])).toEqual({ body: "x", done: false });
  });

  it("ignores what follows the last chunk", () => {
    expect(decode([latin1("0\r\n\r\n"), latin1("anything")])).toEqual({ body: "", done: true });
  });

  it.each([
    ["a size with no digit", "\r\n"],
    ["a size that is not hexadecimal", "g\r\n"],
    ["a size of more than 12 digits", "1000000000000\r\n"],
    ["a size line without its LF", "1\rx"],
    ["data without its CR", "1\r\nxy"],
    ["data without its LF", "1\r\nx\rz"],
  ])("refuses %s", (_, framed) => {
    expect(() => decode([latin1(framed)])).toThrow(SyntaxError);
  });
});
