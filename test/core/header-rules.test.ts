/**
 * The grammar every response status, header name and header value must follow, so that
 * nothing an application passes can split a response or smuggle a header.
 */

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkField,
  checkStatus,
  classifyField,
  isBodilessStatus,
  isFieldValue,
  isStatus,
  isToken,
  statusCode,
} from "../../src/core/header-rules.js";
import {
  InvalidHeaderNameError,
  InvalidHeaderValueError,
  InvalidStatusError,
  NotISO88591Error,
} from "../../src/index.js";

describe("checkStatus", () => {
  it.each(["200 OK", "404 Not Found", "200", "599 Custom\treason", "200 Oké", "204"])("accepts %j", (status) => {
    expect(() => checkStatus(status)).not.toThrow();
  });

  it.each([
    ["", InvalidStatusError],
    ["000 Zero", InvalidStatusError],
    ["099", InvalidStatusError],
    ["101 Switching Protocols", InvalidStatusError],
    ["199 Informational", InvalidStatusError],
    ["600 Beyond", InvalidStatusError],
    ["999 x", InvalidStatusError],
    ["200 ", InvalidStatusError],
    ["200 OK ", InvalidStatusError],
    ["200  OK", InvalidStatusError],
    ["OK", InvalidStatusError],
    ["20 OK", InvalidStatusError],
    ["2000 OK", InvalidStatusError],
    ["200OK", InvalidStatusError],
    [" 200 OK", InvalidStatusError],
    ["200\tOK", InvalidStatusError],
    ["200 OK\r\nSet-Cookie: a=1", InvalidStatusError],
    ["200 OK\n", InvalidStatusError],
    ["200 OK\r", InvalidStatusError],
    ["200 O\u0000K", InvalidStatusError],
    ["200 O\u007fK", InvalidStatusError],
    ["٢٠٠ OK", NotISO88591Error],
    ["200 ΟΚ", NotISO88591Error],
  ] as const)("rejects %j", (status, errorClass) => {
    expect(() => checkStatus(status)).toThrow(errorClass);
  });
});

describe("checkField", () => {
  it.each([
    ["Content-Type", "text/html; charset=utf-8"],
    ["X-Weird!#$%&'*+.^_`|~", "v"],
    ["X-Empty", ""],
    ["X-Tab", "a\tb"],
    ["X-Spaces-Inside", "a  b"],
    ["X-One-Character", "a"],
    ["X-Obs-Text", "caf\u00e9 \u00ff"],
    ["Set-Cookie", 'a="b c"; Path=/'],
  ])("accepts %s: %j", (name, value) => {
    expect(() => checkField(name, value)).not.toThrow();
  });

  it.each([
    ["empty name", "", "v", InvalidHeaderNameError],
    ["name with a space", "X Y", "v", InvalidHeaderNameError],
    ["name with a colon", "X:", "v", InvalidHeaderNameError],
    ["name with CR LF", "X\r\nY", "v", InvalidHeaderNameError],
    ["name with NUL", "X\u0000", "v", InvalidHeaderNameError],
    ["name with a quote", 'X"', "v", InvalidHeaderNameError],
    ["name with Latin-1 letters", "X-é", "v", InvalidHeaderNameError],
    ["name beyond Latin-1", "X-Ω", "v", NotISO88591Error],
    ["value with CR LF", "X", "a\r\nSet-Cookie: b", InvalidHeaderValueError],
    ["value with a lone LF", "X", "a\nb", InvalidHeaderValueError],
    ["value with a lone CR", "X", "a\rb", InvalidHeaderValueError],
    ["value with NUL", "X", "a\u0000b", InvalidHeaderValueError],
    ["value with another control character", "X", "a\u0001b", InvalidHeaderValueError],
    ["value with DEL", "X", "a\u007fb", InvalidHeaderValueError],
    ["value with a leading space", "X", " a", InvalidHeaderValueError],
    ["value with a trailing space", "X", "a ", InvalidHeaderValueError],
    ["value with a leading tab", "X", "\ta", InvalidHeaderValueError],
    ["value with a trailing tab", "X", "a\t", InvalidHeaderValueError],
    ["value of spaces only", "X", "   ", InvalidHeaderValueError],
    ["value beyond Latin-1", "X", "€", NotISO88591Error],
  ] as const)("rejects a %s", (_name, name, value, errorClass) => {
    expect(() => checkField(name, value)).toThrow(errorClass);
  });

  it("names the header and quotes the value, escaped, in the message", () => {
    expect(() => checkField("X-Thing", "a\r\nb")).toThrow(
      'Response X-Thing value "a\\x0d\\x0ab" holds a control character or leading or trailing whitespace',
    );
  });
});

describe("classifyField", () => {
  it.each([
    ["status", "status"],
    ["content-type", "content-type"],
    ["location", "location"],
    ["content-length", "content-length"],
    ["connection", "hop-by-hop"],
    ["transfer-encoding", "hop-by-hop"],
    ["upgrade", "hop-by-hop"],
    ["x-powered-by", "other"],
    ["set-cookie", "other"],
  ])("classifies %j as %j", (lowerName, kind) => {
    expect(classifyField(lowerName)).toBe(kind);
  });
});

describe("statusCode and the bodiless statuses", () => {
  it("reads the code of a status with or without a reason phrase", () => {
    expect(statusCode("404 Not Found")).toBe(404);
    expect(statusCode("204")).toBe(204);
  });

  it("204, 205 and 304 have no content (RFC 9110); their neighbours do", () => {
    expect([200, 203, 204, 205, 206, 303, 304, 305].filter(isBodilessStatus)).toEqual([204, 205, 304]);
  });
});

describe("the predicates agree with the RFC 9110 and 9112 grammar written as regular expressions", () => {
  const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
  const FIELD_VALUE = /^(?:[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
  const STATUS = /^[2-5][0-9]{2}(?: [\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)?$/;
  // Characters near every boundary of the grammar, and beyond ISO-8859-1.
  const character = fc.constantFrom(...'\x00\t\n\r !"(),/:;@[]{}~\x7f\x80\xa0\xff\u0100\u010aaZ09-_'.split(""));
  const text = fc.array(character, { maxLength: 12 }).map((characters) => characters.join(""));

  it("isToken", () => {
    fc.assert(fc.property(text, (name) => isToken(name) === TOKEN.test(name)));
  });

  it("isFieldValue", () => {
    fc.assert(fc.property(text, (value) => isFieldValue(value) === FIELD_VALUE.test(value)));
  });

  it("isStatus", () => {
    const status = fc
      .tuple(fc.constantFrom("200", "404", "199", "600", "20", "2x0", ""), text)
      .map(([code, rest]) => code + rest);
    fc.assert(fc.property(status, (line) => isStatus(line) === STATUS.test(line)));
  });
});
