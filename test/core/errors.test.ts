/**
 * The error tree: every leaf under the right family, a unique stable code, its class name
 * as `name`, an HTTP status hint on remote errors, and messages that cannot be abused.
 */

import { describe, expect, it } from "vitest";
import { quote, quoteBytes } from "../../src/core/errors.js";
import * as sioscgi from "../../src/index.js";
import { LEAVES } from "../support/errors.js";
import { latin1 } from "../support/scgi.js";

const { LocalProtocolError, ProtocolError, RemoteProtocolError } = sioscgi;

const exportedErrorClasses = Object.entries(sioscgi).filter(
  ([, value]) => typeof value === "function" && value.prototype instanceof ProtocolError,
);

describe("the error tree", () => {
  it("the sample list covers every leaf the package exports", () => {
    const families = new Set<unknown>([LocalProtocolError, RemoteProtocolError]);
    const leafNames = exportedErrorClasses.filter(([, value]) => !families.has(value)).map(([name]) => name);
    expect(LEAVES.map((error) => error.name).sort()).toEqual(leafNames.sort());
  });

  it.each(LEAVES.map((error) => [error.name, error] as const))(
    "%s is an Error in exactly one family",
    (name, error) => {
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error instanceof LocalProtocolError).not.toBe(error instanceof RemoteProtocolError);
      expect(error.name).toBe(name);
      expect(error.code).toMatch(/^ERR_SCGI_[A-Z0-9_]+$/);
      expect(error.message.length).toBeGreaterThan(0);
      expect(String(error)).toBe(`${name}: ${error.message}`);
    },
  );

  it("codes are unique", () => {
    const codes = LEAVES.map((error) => error.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it("remote errors suggest 400, or 413/431 for limits, on a server; 502 on a client", () => {
    const statuses = Object.fromEntries(
      LEAVES.filter((error) => error instanceof RemoteProtocolError).map((error) => [error.code, error.httpStatus]),
    );
    expect(statuses).toMatchObject({ ERR_SCGI_ENVIRONMENT_TOO_LONG: 431, ERR_SCGI_PREMATURE_EOF: 400 });
    expect(new Set(Object.values(statuses))).toEqual(new Set([400, 431, 502]));
    // Every error about a response (the client's) blames the server, as a gateway's 502 does.
    const clientCodes = Object.keys(statuses).filter((code) => code.includes("RESPONSE"));
    expect(clientCodes.length).toBe(6);
    for (const code of clientCodes) expect(statuses[code]).toBe(502);
    expect(new sioscgi.BadContentLengthError(latin1("99999999999999999999")).httpStatus).toBe(413);
  });

  it("messages name the offending value", () => {
    expect(new sioscgi.DuplicateVariableError("HTTP_COOKIE").message).toBe(
      'Environment variable "HTTP_COOKIE" appears more than once',
    );
    expect(new sioscgi.BadSCGIVersionError(latin1("2")).message).toBe('Variable SCGI is "2", expected "1"');
    expect(new sioscgi.BadNetstringTerminatorError(0x40).message).toBe(
      'Environment netstring ends with "@" instead of ","',
    );
    expect(new sioscgi.BadResponseHeaderError(latin1("X Y: z\r"), "bad name").message).toBe(
      'Response header line "X Y: z\\x0d" has a name that is not an HTTP token',
    );
    expect(new sioscgi.InvalidVariableNameError("A\0B").message).toBe(
      'Request variable name "A\\x00B" holds a NUL byte',
    );
    expect(new sioscgi.InvalidContentLengthError(latin1("1e3")).message).toBe(
      'Request variable CONTENT_LENGTH is "1e3", not a whole number in ASCII digits',
    );
    expect(new sioscgi.BodyLengthMismatchError(1, 2, true).message).toBe(
      "RequestEnd after 1 body bytes; CONTENT_LENGTH declares 2",
    );
    expect(new sioscgi.NotISO88591Error("Request variable name", "Ω").message).toBe(
      'Request variable name "\\u03a9" is not encodable in ISO-8859-1',
    );
  });
});

describe("messages composed by the class from what went wrong", () => {
  it.each([
    [new sioscgi.BadNetstringLengthError(0x3a, 0), 'Invalid netstring length: ":" before any digit'],
    [
      new sioscgi.BadNetstringLengthError(0x30, 0),
      "Invalid netstring length: a leading zero (the environment cannot be empty)",
    ],
    [new sioscgi.BadNetstringLengthError(0x6e, 2), 'Invalid netstring length: "n" where a digit or ":" belongs'],
    [
      new sioscgi.NonDocumentHeadersError("no location"),
      "A response with status null must have a non-empty Location header",
    ],
    [
      new sioscgi.NonDocumentHeadersError("other headers"),
      "A response with status null must have no header but Location",
    ],
    [
      new sioscgi.BadResponseStatusError("Status header", "999"),
      'Invalid response status: Status header "999" is not a code from 200 to 599, optionally followed by a space and a reason phrase',
    ],
    [
      new sioscgi.BadResponseStatusError("status line", "404 Not Found", "200 OK"),
      'Invalid response status: a status line "404 Not Found" after the status "200 OK"',
    ],
    [new sioscgi.BadResponseHeaderError(latin1("nocolon"), "no colon"), 'Response header line "nocolon" has no colon'],
    [
      new sioscgi.BadResponseHeaderError(latin1("X: a\x00"), "control character"),
      'Response header line "X: a\\x00" has a control character in its value',
    ],
    [
      new sioscgi.BadResponseHeaderError(latin1("Location: /b"), "repeated Location"),
      'Response header line "Location: /b" repeats Location',
    ],
    [
      new sioscgi.BadResponseHeaderError(latin1("Content-Type: a/b"), "repeated Content-Type"),
      'Response header line "Content-Type: a/b" repeats Content-Type',
    ],
    [new sioscgi.BadResponseContentLengthError(null), "Invalid response Content-Length: given more than once"],
    [
      new sioscgi.BadResponseContentLengthError("-1"),
      'Invalid response Content-Length: "-1" is not a whole number in ASCII digits up to 2^53 - 1',
    ],
    [new sioscgi.IncompleteResponseError("nothing"), "Connection closed without sending a response"],
    [new sioscgi.IncompleteResponseError("headers"), "Connection closed before the end of the response's header block"],
    [
      new sioscgi.IncompleteResponseError({ bodyBytes: 3, contentLength: 5 }),
      "Connection closed 3 bytes into a response body whose Content-Length is 5",
    ],
    [
      new sioscgi.IncompleteResponseError("chunked body"),
      "Connection closed in a chunked response body, before its last chunk",
    ],
    [
      new sioscgi.BadResponseHeaderError(latin1("Transfer-Encoding: gzip"), "transfer coding"),
      'Response header line "Transfer-Encoding: gzip" names a transfer coding other than chunked',
    ],
    [
      new sioscgi.BadResponseHeaderError(latin1("Transfer-Encoding: chunked"), "after chunked"),
      'Response header line "Transfer-Encoding: chunked" follows Transfer-Encoding: chunked',
    ],
    [
      new sioscgi.BadResponseContentLengthError("5", true),
      'Invalid response Content-Length: "5" given with Transfer-Encoding: chunked',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x78, "size"),
      'Invalid chunked response body: "x" where a chunk size\'s hex digits belong',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x30, "size too large"),
      'Invalid chunked response body: "0" makes a chunk size over 2^53 - 1',
    ],
    [new sioscgi.BadChunkedBodyError(0x78, "after size"), 'Invalid chunked response body: "x" after a chunk size'],
    [
      new sioscgi.BadChunkedBodyError(0x01, "size line"),
      'Invalid chunked response body: "\\x01" is a control byte in a chunk size line',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x68, "size line end"),
      'Invalid chunked response body: "h" after a CR in a chunk size line, where LF belongs',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x6c, "data end"),
      'Invalid chunked response body: "l" where a chunk\'s data should end (more data than its size)',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x58, "data line end"),
      'Invalid chunked response body: "X" after the CR that ends a chunk\'s data, where LF belongs',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x0d, "final line end"),
      'Invalid chunked response body: "\\x0d" after the CR of the body\'s final line, where LF belongs',
    ],
    [
      new sioscgi.BadChunkedBodyError(0x78, "after last chunk"),
      'Invalid chunked response body: "x" after the last chunk',
    ],
  ])("%s", (error, message) => {
    expect(error.message).toBe(message);
  });
});

describe("quoting offending values", () => {
  it("escapes control characters, quotes, backslashes and non-ASCII", () => {
    expect(quote('a"b\\c\r\n\x00é€')).toBe('"a\\"b\\\\c\\x0d\\x0a\\x00\\xe9\\u20ac"');
  });

  it("truncates long text and says how long it was", () => {
    expect(quote("x".repeat(100))).toBe(`"${"x".repeat(64)}" (100 characters in all)`);
  });

  it("shows bytes as Latin-1 and truncates long byte strings", () => {
    expect(quoteBytes(Uint8Array.of(0x80, 0x41))).toBe('"\\x80A"');
    expect(quoteBytes(new Uint8Array(1000).fill(0x41))).toBe(`"${"A".repeat(64)}" (1000 bytes in all)`);
  });
});
