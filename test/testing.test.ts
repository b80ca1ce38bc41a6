/**
 * sioscgi/testing: a fetch-style application run in memory through both sides of the
 * protocol. What the handler sees (the environment nginx would send, the body byte for
 * byte), what the test gets back (status, headers, a streamed body), the cases a server
 * treats specially, and that nothing of Node's is imported.
 */

import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { localRedirect } from "../src/fetch/index.js";
import {
  EnvironmentTooLongError,
  IncompleteResponseError,
  NonDocumentHeadersError,
  type RequestHeaders,
} from "../src/index.js";
import type { Handler } from "../src/node.js";
import { serveInMemory } from "../src/testing.js";

const latin1 = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : String.fromCharCode(...bytes);

/** An application that answers with what it received, as JSON. */
const echo: Handler = async (request, scgi) => {
  const body = new Uint8Array(await request.arrayBuffer());
  return Response.json({
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    environment: Object.fromEntries([...scgi.environment].map(([name, value]) => [name, latin1(value)])),
    length: body.length,
    sha256: createHash("sha256").update(body).digest("hex"),
  });
};

interface Echo {
  method: string;
  url: string;
  headers: Record<string, string>;
  environment: Record<string, string>;
  length: number;
  sha256: string;
}

describe("what the handler sees", () => {
  it("a GET: method, URL, headers, and the variables nginx would send, in its order", async () => {
    const response = await serveInMemory(
      echo,
      new Request("http://app.test:8080/search?q=scgi&lang=en", { headers: { "X-Trace": "abc", Accept: "*/*" } }),
    );
    expect(response.status).toBe(200);
    const seen = (await response.json()) as Echo;
    expect(seen.method).toBe("GET");
    expect(seen.url).toBe("http://app.test:8080/search?q=scgi&lang=en");
    expect(seen.headers).toMatchObject({ "x-trace": "abc", accept: "*/*", host: "app.test:8080" });
    expect(Object.entries(seen.environment)).toEqual([
      ["CONTENT_LENGTH", "0"],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "GET"],
      ["REQUEST_URI", "/search?q=scgi&lang=en"],
      ["QUERY_STRING", "q=scgi&lang=en"],
      ["DOCUMENT_URI", "/search"],
      ["SERVER_PROTOCOL", "HTTP/1.1"],
      ["REQUEST_SCHEME", "http"],
      ["REMOTE_ADDR", "127.0.0.1"],
      ["SERVER_NAME", "app.test"],
      ["SERVER_PORT", "8080"],
      ["HTTP_HOST", "app.test:8080"],
      ["HTTP_ACCEPT", "*/*"],
      ["HTTP_X_TRACE", "abc"],
    ]);
  });

  for (const size of [0, 1, 100_000]) {
    it(`a POST of ${size} bytes arrives byte for byte, with its CONTENT_LENGTH and CONTENT_TYPE`, async () => {
      const body = new Uint8Array(size).map((_, index) => (index * 7 + 3) % 256);
      const response = await serveInMemory(
        echo,
        new Request("http://app.test/upload", {
          method: "POST",
          body,
          headers: { "content-type": "application/octet-stream" },
        }),
      );
      const seen = (await response.json()) as Echo;
      expect([seen.method, seen.length, seen.sha256]).toEqual([
        "POST",
        size,
        createHash("sha256").update(body).digest("hex"),
      ]);
      expect(seen.environment.CONTENT_LENGTH).toBe(String(size));
      expect(seen.environment.CONTENT_TYPE).toBe("application/octet-stream");
    });
  }

  it("a Host header given with the request wins over the URL's host, as on the wire", async () => {
    const response = await serveInMemory(echo, new Request("http://127.0.0.1/", { headers: { host: "named.test" } }));
    const seen = (await response.json()) as Echo;
    expect(seen.url).toBe("http://named.test/");
    expect(seen.environment.SERVER_NAME).toBe("127.0.0.1");
  });

  it("https: REQUEST_SCHEME, HTTPS and the default port, and so an https URL", async () => {
    const seen = (await (await serveInMemory(echo, new Request("https://secure.test/"))).json()) as Echo;
    expect(seen.url).toBe("https://secure.test/");
    expect(seen.environment).toMatchObject({ REQUEST_SCHEME: "https", HTTPS: "on", SERVER_PORT: "443" });
  });

  it("options.environment adds variables and replaces others in place, as strings or bytes", async () => {
    const response = await serveInMemory(echo, new Request("http://app.test/"), {
      environment: { REMOTE_ADDR: "192.0.2.7", SERVER_SOFTWARE: new TextEncoder().encode("nginx/1.22.1") },
    });
    const seen = (await response.json()) as Echo;
    expect(seen.environment.REMOTE_ADDR).toBe("192.0.2.7");
    expect(seen.environment.SERVER_SOFTWARE).toBe("nginx/1.22.1");
    expect(Object.keys(seen.environment).indexOf("REMOTE_ADDR")).toBe(8);
  });

  it("a header value with Latin-1 characters reaches the handler as it was", async () => {
    const seen = (await (
      await serveInMemory(echo, new Request("http://app.test/", { headers: { "X-Name": "caf\xe9" } }))
    ).json()) as Echo;
    expect(seen.environment.HTTP_X_NAME).toBe("caf\xe9");
  });
});

describe("what the test gets back", () => {
  it("status, reason, headers in order (each Set-Cookie apart) and the body", async () => {
    const response = await serveInMemory(() => {
      const headers = new Headers({ "content-type": "text/plain; charset=utf-8", "x-one": "1" });
      headers.append("set-cookie", "a=1");
      headers.append("set-cookie", "b=2");
      return new Response("Made it\n", { status: 201, statusText: "Created Here", headers });
    }, new Request("http://app.test/"));
    expect([response.status, response.statusText]).toEqual([201, "Created Here"]);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(response.headers.get("x-one")).toBe("1");
    expect(await response.text()).toBe("Made it\n");
  });

  it("a redirect with its Location, and a local redirect as the 302 a client reads", async () => {
    const moved = await serveInMemory(
      () => Response.redirect("http://app.test/new", 301),
      new Request("http://app.test/"),
    );
    expect([moved.status, moved.headers.get("location")]).toEqual([301, "http://app.test/new"]);
    const local = await serveInMemory(() => localRedirect("/elsewhere"), new Request("http://app.test/"));
    expect([local.status, local.statusText, local.headers.get("location")]).toEqual([302, "Found", "/elsewhere"]);
    expect(await local.text()).toBe("");
  });

  it("HEAD: the headers, and no body, as sioscgi/node sends it", async () => {
    const response = await serveInMemory(
      () => new Response("body", { headers: { "content-type": "text/plain", "content-length": "4" } }),
      new Request("http://app.test/", { method: "HEAD" }),
    );
    expect(response.headers.get("content-length")).toBe("4");
    expect(await response.text()).toBe("");
  });

  for (const status of [204, 304]) {
    it(`${status}: no body at all`, async () => {
      const response = await serveInMemory(() => new Response(null, { status }), new Request("http://app.test/"));
      expect(response.status).toBe(status);
      expect(response.body).toBeNull();
    });
  }

  it("the body streams: each read pulls one chunk through both sides, and cancelling stops the source", async () => {
    let produced = 0;
    let cancelled = false;
    const handler: Handler = () =>
      new Response(
        new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              controller.enqueue(new TextEncoder().encode(`chunk ${produced++}\n`));
            },
            cancel() {
              cancelled = true;
            },
          },
          { highWaterMark: 0 },
        ),
      );
    const response = await serveInMemory(handler, new Request("http://app.test/events"));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe("chunk 0\n");
    expect(decoder.decode((await reader.read()).value)).toBe("chunk 1\n");
    expect(produced).toBeLessThanOrEqual(4);
    await reader.cancel();
    expect(cancelled).toBe(true);
  });

  it("hop-by-hop headers never reach the test, as no client would see them", async () => {
    const response = await serveInMemory(
      () => new Response("x", { headers: { connection: "close", "keep-alive": "timeout=5", "x-kept": "yes" } }),
      new Request("http://app.test/"),
    );
    // Only these: whether a Response adds a content-type of its own differs between runtimes.
    expect([...response.headers.keys()].filter((name) => name !== "content-type")).toEqual(["x-kept"]);
  });
});

describe("what goes wrong, where a test can see it", () => {
  it("a handler that throws: the promise rejects with its error (a server would answer 500)", async () => {
    const failure = new Error("on purpose");
    await expect(
      serveInMemory(() => {
        throw failure;
      }, new Request("http://app.test/")),
    ).rejects.toBe(failure);
  });

  it("a handler that returns something else than a Response: TypeError", async () => {
    await expect(serveInMemory((() => "text") as unknown as Handler, new Request("http://app.test/"))).rejects.toThrow(
      "The handler did not return a Response",
    );
  });

  it("a response SCGI cannot carry: the LocalProtocolError ResponseHeaders throws", async () => {
    await expect(serveInMemory(() => localRedirect(""), new Request("http://app.test/"))).rejects.toThrow(
      NonDocumentHeadersError,
    );
  });

  it("a Content-Length the body does not match: the client side's error, when the body is read", async () => {
    const response = await serveInMemory(
      () => new Response("short", { headers: { "content-length": "50" } }),
      new Request("http://app.test/"),
    );
    await expect(response.text()).rejects.toThrow(IncompleteResponseError);
  });

  it("a body that fails midway: reading it fails", async () => {
    const response = await serveInMemory(
      () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.error(new Error("disk on fire"));
            },
          }),
        ),
      new Request("http://app.test/"),
    );
    await expect(response.text()).rejects.toThrow("disk on fire");
  });

  it("a request over the server's limits: the server side's RemoteProtocolError", async () => {
    await expect(serveInMemory(echo, new Request("http://app.test/"), { rxBufferLimit: 64 })).rejects.toThrow(
      EnvironmentTooLongError,
    );
  });
});

describe("the example app of the README", () => {
  it("runs in memory: GET and a form POST", async () => {
    // By URL, so that the type checker does not look for declarations of a plain .mjs file.
    const { handler } = (await import(new URL("../examples/hello-app.mjs", import.meta.url).href)) as {
      handler: (request: Request, scgi: RequestHeaders) => Promise<Response>;
    };
    const page = await serveInMemory(handler, new Request("http://app.test/?name=Ada"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("GET <code>/?name=Ada</code>");
    const posted = await serveInMemory(
      handler,
      new Request("http://app.test/", { method: "POST", body: new URLSearchParams({ message: "hi" }) }),
    );
    expect(await posted.text()).toContain("You posted: <code>message=hi</code>");
  });
});
