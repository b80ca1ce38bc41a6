/** The chunked-body decoder: the framing removed whatever the write boundaries, the first byte out of place a fault. */

import { describe, expect, it } from "vitest";
import { ChunkedDecoder, type ChunkedFault } from "../../src/core/chunked.js";
import { latin1 } from "../support/scgi.js";

/** Decodes `pieces` in order; returns the body, whether the last chunk was seen, and the first fault. */
function decode(pieces: Uint8Array[]): { body: string; complete: boolean; fault: ChunkedFault | null } {
  const decoder = new ChunkedDecoder();
  let body = "";
  let fault: ChunkedFault | null = null;
  for (const piece of pieces) {
    fault = decoder.decode(piece, 0, (data) => {
      body += Buffer.from(data).toString("latin1");
    });
    if (fault !== null) break;
  }
  return { body, complete: decoder.complete, fault };
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
      expect(decode(pieces)).toEqual({ body: "one two three ", complete: true, fault: null });
    },
  );

  it("hands the data on as views into the bytes given, never copied", () => {
    const framed = latin1("5\r\nhello\r\n0\r\n\r\n");
    const views: Uint8Array[] = [];
    expect(new ChunkedDecoder().decode(framed, 0, (data) => views.push(data))).toBeNull();
    expect(views).toHaveLength(1);
    expect([views[0]?.buffer, views[0]?.byteOffset, views[0]?.length]).toEqual([framed.buffer, 3, 5]);
  });

  it("starts at the offset given", () => {
    const decoder = new ChunkedDecoder();
    let body = "";
    const fault = decoder.decode(latin1("head2\r\nok\r\n0\r\n\r\n"), 4, (data) => {
      body += Buffer.from(data).toString("latin1");
    });
    expect([fault, body, decoder.complete]).toEqual([null, "ok", true]);
  });

  it("reads upper-case hexadecimal sizes", () => {
    expect(decode([latin1("A\r\n0123456789\r\n0\r\n\r\n")]).body).toBe("0123456789");
  });

  it("takes bare LF line ends, extensions and whitespace after a size", () => {
    expect(decode([latin1("3 \t;name=value\nabc\n0;last\n\n")])).toEqual({ body: "abc", complete: true, fault: null });
  });

  it("has not seen the end until the last chunk, and is untouched until a byte arrives", () => {
    const decoder = new ChunkedDecoder();
    expect(decoder.untouched).toBe(true);
    expect(decoder.decode(latin1("1\r\n"), 3, () => {})).toBeNull();
    expect(decoder.untouched).toBe(true);
    expect(decode([latin1("1\r\nx\r\n")])).toEqual({ body: "x", complete: false, fault: null });
  });

  it.each([
    ["a size with no digit", "\r\n", "\r", "size"],
    ["a size that is not hexadecimal", "g\r\n", "g", "size"],
    ["a size over 2^53 - 1", "20000000000000\r\n", "0", "size too large"],
    ["a size followed by something else", "1x\r\n", "x", "after size"],
    ["a control byte in an extension", "1;a\0\r\n", "\0", "size line"],
    ["a size line without its LF", "1\rx", "x", "size line end"],
    ["data without its CR", "1\r\nxy", "y", "data end"],
    ["data without its LF", "1\r\nx\rz", "z", "data line end"],
    ["a final line without its LF", "0\r\n\rz", "z", "final line end"],
    ["a byte after the last chunk", "0\r\n\r\nanything", "a", "after last chunk"],
  ])("reports %s as a fault at its first byte out of place", (_, framed, byte, problem) => {
    expect(decode([latin1(framed)]).fault).toEqual({ byte: byte.charCodeAt(0), problem });
  });
});
