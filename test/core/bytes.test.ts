/** The byte helpers: ISO-8859-1 both ways and strict decimal parsing. */

import { describe, expect, it } from "vitest";
import { decodeLatin1, isLatin1, parseDecimal, writeLatin1 } from "../../src/core/bytes.js";
import { latin1 } from "../support/scgi.js";

describe("decodeLatin1", () => {
  it("maps every byte to the code point of the same value (0x80 is U+0080, not the euro sign)", () => {
    const all = Uint8Array.from({ length: 256 }, (_, index) => index);
    const text = decodeLatin1(all);
    expect(Array.from(text, (character) => character.charCodeAt(0))).toEqual([...all]);
    expect(text.charAt(0x80)).toBe("\u0080");
  });

  it("decodes a range, and inputs longer than one batch", () => {
    expect(decodeLatin1(latin1("xhellox"), 1, 6)).toBe("hello");
    const long = new Uint8Array(10000).map((_, index) => 0x41 + (index % 26));
    expect(decodeLatin1(long)).toBe(Array.from(long, (byte) => String.fromCharCode(byte)).join(""));
    expect(decodeLatin1(long, 4095, 8193)).toBe(decodeLatin1(long).slice(4095, 8193));
  });
});

describe("isLatin1 and writeLatin1", () => {
  it("accepts U+0000 to U+00FF and nothing above", () => {
    expect(isLatin1("\u0000\u00ff plain")).toBe(true);
    expect(isLatin1("\u0100")).toBe(false);
    expect(isLatin1("€")).toBe(false);
  });

  it("writes one byte per character at the offset and returns the offset after it", () => {
    const target = new Uint8Array(5);
    expect(writeLatin1("\u00e9\u0080", target, 2)).toBe(4);
    expect([...target]).toEqual([0, 0, 0xe9, 0x80, 0]);
  });
});

describe("parseDecimal", () => {
  it.each([
    ["0", 0],
    ["007", 7],
    ["27", 27],
    ["9007199254740991", Number.MAX_SAFE_INTEGER],
  ])("parses %s", (text, value) => {
    expect(parseDecimal(latin1(text))).toBe(value);
  });

  it.each(["", " 1", "1 ", "+1", "-1", "1_0", "1e3", "0x10", "1.0", "9007199254740992", "99999999999999999999999"])(
    "rejects %j",
    (text) => {
      expect(parseDecimal(latin1(text))).toBeNull();
    },
  );
});
