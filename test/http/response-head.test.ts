/** The translation of node:http's rendered response head into the core's ResponseHeaders. */

import { describe, expect, it } from "vitest";
import { translateHead } from "../../src/http/response-head.js";
import { HopByHopHeaderError, InvalidStatusError, ResponseHeaders } from "../../src/index.js";

describe("translateHead", () => {
  it("takes the status, and the fields in order without the ones node:http manages for its connection", () => {
    const headers = translateHead(
      "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\nKeep-Alive: timeout=5\r\n" +
        "Transfer-Encoding: chunked\r\nX-Empty:\r\nX-A:  spaced\t ",
    ) as ResponseHeaders;
    expect(headers).toBeInstanceOf(ResponseHeaders);
    expect([headers.status, headers.contentType, headers.otherHeaders]).toEqual([
      "404 Not Found",
      "text/plain",
      [
        ["X-Empty", ""],
        ["X-A", "spaced"],
      ],
    ]);
  });

  it("reads an empty reason phrase as none", () => {
    expect(translateHead("HTTP/1.1 200 ")?.status).toBe("200");
  });

  it.each(["HTTP/1.1 100 Continue", "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload"])(
    "gives null for the interim response %j",
    (head) => {
      expect(translateHead(head)).toBeNull();
    },
  );

  it.each([
    ["a status line that is not HTTP", "HELLO"],
    ["a status line without a space", "HTTP/1.1"],
    ["a field without a colon", "HTTP/1.1 200 OK\r\nno colon"],
  ])("refuses %s", (_, head) => {
    expect(() => translateHead(head)).toThrow(SyntaxError);
  });

  it("leaves the core's checks to the core", () => {
    expect(() => translateHead("HTTP/1.1 600 Odd")).toThrow(InvalidStatusError);
    expect(() => translateHead("HTTP/1.1 200 OK\r\nUpgrade: h2c")).toThrow(HopByHopHeaderError);
  });
});
