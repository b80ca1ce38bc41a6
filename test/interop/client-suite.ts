/**
 * The client's interop cases, run the same way against each SCGI server serving the echo
 * application (uWSGI with test/interop/fixtures/echo_app.py, and this library's
 * sioscgi/node with its twin in servers/sioscgi-node.ts), through the shipped one-call
 * client, `scgiRequest`. What the servers do differently is passed in as quirks, each a
 * fact the tests check.
 */

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeResponse, encodeRequest, IncompleteResponseError } from "../../src/index.js";
import { ConnectionClosedError, ConnectionResetError, scgiRequest } from "../../src/node.js";
import { exchange } from "../support/net.js";
import type { ServerProcess } from "./harness.js";
import { bytes } from "./servers/sioscgi-node.js";

/** What a server does differently from the others. */
export interface ClientQuirks {
  /**
   * Whether a request with these variables, in the order the client sends them
   * (`CONTENT_LENGTH`, `SCGI`, then the rest), is within the server's limit on the
   * environment. The suite finds the largest padding this allows and checks that the
   * server takes it, and refuses one byte more.
   */
  fits(variables: readonly (readonly [string, string])[]): boolean;
  /** A padding far over the limit. */
  readonly farOverPadding: number;
  /**
   * How the server refuses a request just over its limit, and one far over it: it closes
   * the connection having read the whole request (the client sees EOF without a byte of
   * response), or with request bytes unread (the kernel answers with a reset), or it
   * answers with a status and then closes.
   */
  readonly justOver: ConnectionEnd;
  readonly farOver: ConnectionEnd;
  /** What the server reports (log or error) for a request just over its limit, and far over it. */
  readonly justOverReport: RegExp;
  readonly farOverReport: RegExp;
  /** Whether the server sends a response's body to HEAD (uWSGI does; sioscgi/node does not). */
  readonly bodyForHead: boolean;
}

/** The echo's answer. */
interface Echo {
  method: string;
  path: string;
  length: number;
  sha256: string;
  padding: number;
  variables: Record<string, string | null>;
}

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const hex = (text: string): string => Buffer.from(text, "latin1").toString("hex");

/** Deterministic bytes for uploads. */
const payload = (size: number): Uint8Array => new Uint8Array(size).map((_, index) => (index * 13 + 5) % 256);

/** The variables of a GET as a web server would send them, `extra` after them. */
function getVariables(path: string, extra: [string, string][] = []): [string, string][] {
  return [
    ["REQUEST_METHOD", "GET"],
    ["REQUEST_URI", path],
    ["PATH_INFO", path.split("?")[0] as string],
    ["QUERY_STRING", path.split("?")[1] ?? ""],
    ["SERVER_PROTOCOL", "HTTP/1.1"],
    ["SERVER_NAME", "app.test"],
    ["SERVER_PORT", "80"],
    ["HTTP_HOST", "app.test"],
    ...extra,
  ];
}

/** How a server ends a connection whose request it refuses: without an answer, or with one of this status. */
export type ConnectionEnd = "EOF" | "reset" | { readonly answer: string };

/** What the tests' names say of a {@link ConnectionEnd}. */
const describeEnd = (end: ConnectionEnd): string =>
  typeof end === "object" ? `answers ${end.answer} and closes` : `closes the connection without a response (${end})`;

/**
 * A refusal as `end` says: a whole response with that status; or a response that never
 * came: no byte from the server, then EOF, which the call reports as a closed connection
 * whose cause is the reader's incomplete response, or a reset (a write into it may report a
 * broken pipe first). Both of the latter say the server may have refused the request.
 */
async function expectRefused(call: Promise<Response>, end: ConnectionEnd): Promise<void> {
  if (typeof end === "object") {
    const response = await call;
    expect(`${response.status} ${response.statusText}`).toBe(end.answer);
    await response.arrayBuffer(); // the body to its end: the response is complete
    return;
  }
  const error = await call.then(
    () => expect.unreachable("answered"),
    (caught: unknown) => caught as Error,
  );
  expect(error.message).toMatch(/the server may have refused the request/);
  if (end === "EOF") {
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error.cause).toBeInstanceOf(IncompleteResponseError);
    expect((error.cause as Error).message).toBe("Connection closed without sending a response");
  } else {
    expect(error).toBeInstanceOf(ConnectionResetError);
    expect(["ECONNRESET", "EPIPE"]).toContain((error.cause as NodeJS.ErrnoException).code);
  }
}

export function clientSuite(name: string, start: () => Promise<ServerProcess>, quirks: ClientQuirks): void {
  describe(`sioscgi's client against ${name}`, () => {
    let server: ServerProcess;

    beforeAll(async () => {
      server = await start();
    });

    afterAll(async () => {
      await server?.stop();
    });

    const echo = async (variables: [string, string][], body?: Uint8Array | string): Promise<Echo> => {
      const response = await scgiRequest(server.target, { environment: variables, body: body ?? null });
      expect([response.status, response.statusText]).toEqual([200, "OK"]);
      expect(response.headers.get("content-type")).toBe("application/json");
      return (await response.json()) as Echo;
    };

    it("GET: method, path and variables arrive byte for byte, the JSON answer whole", async () => {
      const text = Buffer.concat([Buffer.from("caf\xe9 ", "latin1"), Buffer.from("Zo\u00eb \u2603")]).toString(
        "latin1",
      );
      const seen = await echo(getVariables("/hello?a=1&b=%20", [["HTTP_X_TEXT", text]]));
      expect([seen.method, seen.path, seen.length, seen.sha256]).toEqual([
        "GET",
        "/hello",
        0,
        sha256(new Uint8Array()),
      ]);
      expect(seen.variables).toMatchObject({
        REQUEST_METHOD: hex("GET"),
        QUERY_STRING: hex("a=1&b=%20"),
        CONTENT_LENGTH: hex("0"),
        SERVER_PROTOCOL: hex("HTTP/1.1"),
        HTTP_X_TEXT: hex(text),
      });
    });

    for (const size of [0, 1, 2 * 1024 * 1024]) {
      it(`POST with a body of ${size} bytes arrives whole and in order`, async () => {
        const body = payload(size);
        const seen = await echo(
          [
            ["REQUEST_METHOD", "POST"],
            ["PATH_INFO", "/upload"],
            ["CONTENT_TYPE", "application/octet-stream"],
          ],
          body,
        );
        expect([seen.method, seen.path, seen.length, seen.sha256]).toEqual(["POST", "/upload", size, sha256(body)]);
        expect(seen.variables.CONTENT_LENGTH).toBe(hex(String(size)));
        expect(seen.variables.CONTENT_TYPE).toBe(hex("application/octet-stream"));
      });
    }

    it("a string body with multi-byte UTF-8: sent as UTF-8, CONTENT_LENGTH in bytes", async () => {
      const text = "Zoë ☃ 日本 𝄞";
      const seen = await echo([["REQUEST_METHOD", "POST"]], text);
      const encoded = new TextEncoder().encode(text);
      expect([seen.length, seen.sha256]).toEqual([encoded.length, sha256(encoded)]);
      expect(seen.variables.CONTENT_LENGTH).toBe(hex(String(encoded.length)));
    });

    it("the application's status and headers, repeated ones in order", async () => {
      const response = await scgiRequest(server.target, { environment: getVariables("/status/404") });
      expect([response.status, response.statusText]).toEqual([404, "Not Found"]);
      expect(response.headers.get("content-type")).toBe("text/plain");
      expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
      expect(response.headers.has("x-served-by")).toBe(true);
      expect(await response.text()).toBe("status 404\n");
    });

    it("a 2 MiB response body arrives whole and in order", async () => {
      const size = 2 * 1024 * 1024;
      const response = await scgiRequest(server.target, { environment: getVariables(`/bytes/${size}`) });
      expect(response.status).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes(size)));
    });

    const head = getVariables("/head").map(([field, value]): [string, string] =>
      field === "REQUEST_METHOD" ? [field, "HEAD"] : [field, value],
    );

    it("HEAD through scgiRequest: the status and headers, a Response without a body", async () => {
      const response = await scgiRequest(server.target, { environment: head });
      expect([response.status, response.headers.get("content-type"), response.body]).toEqual([
        200,
        "application/json",
        null,
      ]);
    });

    it(`HEAD through the reader: the headers, ${quirks.bodyForHead ? "and the body anyway, which the reader passes on" : "and no body"}`, async () => {
      const answer = await exchange(server.port, encodeRequest(head));
      const { status, body } = decodeResponse(answer, { requestMethod: "HEAD" });
      expect(status).toBe(200);
      expect(body.length > 0).toBe(quirks.bodyForHead);
    });

    describe("the environment's limit", () => {
      /** The variables of a request padded with HTTP_X_PADDING of `padding` bytes, as sent. */
      const padded = (padding: number): [string, string][] => [
        ["CONTENT_LENGTH", "0"],
        ["SCGI", "1"],
        ...getVariables("/padded", [["HTTP_X_PADDING", "p".repeat(padding)]]),
      ];
      let largest = 0;

      beforeAll(() => {
        while (quirks.fits(padded(largest + 1))) largest++;
      });

      it("the largest environment the server's documented rule allows is taken", async () => {
        const seen = await echo(padded(largest).filter(([field]) => field !== "CONTENT_LENGTH" && field !== "SCGI"));
        expect(seen.padding).toBe(largest);
      });

      it(`one byte more: the server ${describeEnd(quirks.justOver)}`, async () => {
        const variables = padded(largest + 1);
        expect(quirks.fits(variables)).toBe(false);
        await expectRefused(scgiRequest(server.target, { environment: variables }), quirks.justOver);
        await expect.poll(() => server.output()).toMatch(quirks.justOverReport);
      });

      it(`far more: the server ${describeEnd(quirks.farOver)}`, async () => {
        await expectRefused(scgiRequest(server.target, { environment: padded(quirks.farOverPadding) }), quirks.farOver);
        await expect.poll(() => server.output()).toMatch(quirks.farOverReport);
      });

      it("and serves the next request as before", async () => {
        expect((await echo(getVariables("/after"))).path).toBe("/after");
      });
    });
  });
}
