/**
 * The Fetch bridge: CGI variables to a web Request (never throwing on what a peer sent),
 * and a web Response to the events `send` takes.
 */

import { describe, expect, it, vi } from "vitest";
import {
  localRedirect,
  requestEnvironment,
  responseEvents,
  toRequest,
  toResponse,
  toResponseHeaders,
} from "../../src/fetch/index.js";
import { RequestHeaders, ResponseBody, ResponseEnd, type ResponseEvent, ResponseHeaders } from "../../src/index.js";
import { latin1 } from "../support/scgi.js";

/** A RequestHeaders with CONTENT_LENGTH and SCGI, then the given variables. */
function scgi(variables: Record<string, string | Uint8Array>, contentLength = "0"): RequestHeaders {
  const environment = new Map<string, Uint8Array>([
    ["CONTENT_LENGTH", latin1(contentLength)],
    ["SCGI", latin1("1")],
  ]);
  for (const [name, value] of Object.entries(variables)) {
    environment.set(name, typeof value === "string" ? latin1(value) : value);
  }
  return new RequestHeaders(environment);
}

const NGINX_GET = {
  REQUEST_METHOD: "GET",
  REQUEST_URI: "/search?q=scgi&lang=en",
  QUERY_STRING: "q=scgi&lang=en",
  REQUEST_SCHEME: "http",
  SERVER_NAME: "example.org",
  SERVER_PORT: "8080",
  HTTP_HOST: "example.org:8080",
  HTTP_ACCEPT: "*/*",
  HTTP_X_FORWARDED_FOR: "192.0.2.1, 192.0.2.2",
  REMOTE_ADDR: "127.0.0.1",
};

describe("toRequest", () => {
  it("maps an nginx GET: method, URL, and HTTP_* variables as headers", () => {
    const request = toRequest(scgi(NGINX_GET));
    expect(request.method).toBe("GET");
    expect(request.url).toBe("http://example.org:8080/search?q=scgi&lang=en");
    expect([...request.headers]).toEqual([
      ["accept", "*/*"],
      ["host", "example.org:8080"],
      ["x-forwarded-for", "192.0.2.1, 192.0.2.2"],
    ]);
    expect(request.body).toBeNull();
  });

  it.each([
    ["REQUEST_SCHEME https", { REQUEST_SCHEME: "https", HTTP_HOST: "a.test", REQUEST_URI: "/" }, "https://a.test/"],
    ["HTTPS=on", { HTTPS: "on", HTTP_HOST: "a.test", REQUEST_URI: "/" }, "https://a.test/"],
    [
      "no HTTP_HOST: SERVER_NAME and a non-default port",
      { SERVER_NAME: "b.test", SERVER_PORT: "8443", HTTPS: "on", REQUEST_URI: "/x" },
      "https://b.test:8443/x",
    ],
    [
      "no HTTP_HOST: the default port is left out",
      { SERVER_NAME: "b.test", SERVER_PORT: "80", REQUEST_URI: "/x" },
      "http://b.test/x",
    ],
    [
      "no REQUEST_URI: SCRIPT_NAME, PATH_INFO and QUERY_STRING",
      { HTTP_HOST: "c.test", SCRIPT_NAME: "/app", PATH_INFO: "/users/7", QUERY_STRING: "full=1" },
      "http://c.test/app/users/7?full=1",
    ],
    [
      "a Host that does not parse falls back to SERVER_NAME",
      { HTTP_HOST: "bad host", SERVER_NAME: "d.test", REQUEST_URI: "/" },
      "http://d.test/",
    ],
    [
      "a Host that passes the pattern but not the URL parser falls back to SERVER_NAME",
      { HTTP_HOST: "a.test:99999", SERVER_NAME: "d.test", REQUEST_URI: "/p" },
      "http://d.test/p",
    ],
    ["nothing at all: localhost", {}, "http://localhost/"],
    [
      "SCRIPT_NAME and PATH_INFO percent-encoded, as CGI gives them decoded",
      { HTTP_HOST: "c.test", SCRIPT_NAME: "/a b", PATH_INFO: "/#c?d%é" },
      "http://c.test/a%20b/%23c%3Fd%25%E9",
    ],
    [
      "after an Apache local redirect: the target's SCRIPT_NAME, not the original REQUEST_URI",
      {
        HTTP_HOST: "c.test",
        REQUEST_URI: "/local-redirect",
        REDIRECT_URL: "/local-redirect",
        REDIRECT_STATUS: "200",
        SCRIPT_NAME: "/echo",
        QUERY_STRING: "from=local-redirect",
      },
      "http://c.test/echo?from=local-redirect",
    ],
    [
      "a path like //other.test cannot change the host",
      { HTTP_HOST: "e.test", REQUEST_URI: "//other.test/x" },
      "http://e.test//other.test/x",
    ],
    [
      "a path without a slash gets one",
      { HTTP_HOST: "e.test", REQUEST_URI: "x@other.test" },
      "http://e.test/x@other.test",
    ],
  ])("builds the URL with %s", (_name, variables, url) => {
    expect(toRequest(scgi(variables)).url).toBe(url);
  });

  it("takes CONTENT_TYPE and CONTENT_LENGTH over nginx's HTTP_ copies, and the body for a POST", async () => {
    const request = toRequest(
      scgi(
        {
          REQUEST_METHOD: "POST",
          HTTP_HOST: "a.test",
          CONTENT_TYPE: "text/plain",
          HTTP_CONTENT_TYPE: "text/ignored",
          HTTP_CONTENT_LENGTH: "999",
        },
        "5",
      ),
      latin1("hello"),
    );
    expect(request.headers.get("content-type")).toBe("text/plain");
    expect(request.headers.get("content-length")).toBe("5");
    expect(await request.text()).toBe("hello");
  });

  it("takes CONTENT_TYPE and CONTENT_LENGTH over HTTP_ copies whatever their case; lower-case names are not headers", () => {
    const request = toRequest(
      scgi(
        {
          REQUEST_METHOD: "POST",
          HTTP_HOST: "a.test",
          HTTP_Content_Type: "text/ignored",
          HTTP_CONTENT_length: "999",
          http_content_length: "998",
          http_x_other: "not a header",
        },
        "5",
      ),
      latin1("hello"),
    );
    expect([...request.headers]).toEqual([
      ["content-length", "5"],
      ["host", "a.test"],
    ]);
  });

  it("streams a ReadableStream body", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(latin1("ab"));
        controller.enqueue(latin1("cd"));
        controller.close();
      },
    });
    const request = toRequest(scgi({ REQUEST_METHOD: "PUT" }, "4"), body);
    expect(await request.text()).toBe("abcd");
  });

  it("gives GET and HEAD no body even when bytes are passed", () => {
    for (const method of ["GET", "HEAD"]) {
      expect(toRequest(scgi({ REQUEST_METHOD: method }, "3"), latin1("abc")).body).toBeNull();
    }
  });

  it("keeps header bytes as ISO-8859-1 characters, so UTF-8 can be recovered", () => {
    const utf8 = new TextEncoder().encode("Zoë");
    const request = toRequest(scgi({ HTTP_X_NAME: utf8 }));
    const value = request.headers.get("x-name") as string;
    expect(new TextDecoder().decode(latin1(value))).toBe("Zoë");
  });

  it("drops header values and names a Headers refuses, and keeps the rest", () => {
    const request = toRequest(scgi({ HTTP_X_BAD: "a\r\nInjected: 1", "HTTP_BAD NAME": "x", HTTP_X_GOOD: "ok" }));
    expect([...request.headers]).toEqual([["x-good", "ok"]]);
  });

  it("never hands a Headers a name or value it refuses, however many a peer sends", () => {
    // A caught error from Headers.append costs microseconds; a peer can send thousands of
    // bad names in one environment, so they are checked before append, not by it.
    const variables: Record<string, string> = { HTTP_X_GOOD: " ok\t", CONTENT_TYPE: "text/plain\r\n" };
    for (let index = 0; index < 1000; index++) {
      variables[`HTTP_X${index}(`] = "v";
      variables[`HTTP_Y${index}`] = `a${index}\x00b`;
      variables[`HTTP_Z${index}`] = `a${index}\rb`;
    }
    const append = vi.spyOn(Headers.prototype, "append");
    try {
      const request = toRequest(scgi(variables));
      expect(append.mock.results.filter((result) => result.type === "throw")).toEqual([]);
      expect([...request.headers]).toEqual([
        ["content-type", "text/plain"],
        ["x-good", "ok"],
      ]);
    } finally {
      append.mockRestore();
    }
  });

  it.each(["CONNECT", "trace", "TRACK", "BAD METHOD", "GÉT"])(
    "a method Request refuses (%s) becomes a bodiless GET; REQUEST_METHOD keeps the real one",
    (method) => {
      const headers = scgi({ REQUEST_METHOD: method, HTTP_HOST: "a.test" }, "2");
      const request = toRequest(headers, latin1("xy"));
      expect(request.method).toBe("GET");
      expect(request.body).toBeNull();
      expect(headers.environment.get("REQUEST_METHOD")).toEqual(latin1(method));
    },
  );

  it("passes the signal through", () => {
    const controller = new AbortController();
    const request = toRequest(scgi({}), null, { signal: controller.signal });
    controller.abort();
    expect(request.signal.aborted).toBe(true);
  });
});

describe("toResponseHeaders", () => {
  it.each([
    [new Response(null, { status: 204 }), "204 No Content"],
    [new Response("x", { status: 404, statusText: "Nowhere" }), "404 Nowhere"],
    [new Response("x", { status: 299 }), "299"],
    [new Response("x", { status: 200, statusText: " Fine " }), "200 Fine"],
    [Response.redirect("http://a.test/next", 301), "301 Moved Permanently"],
  ])("gives the status line %#", (response, status) => {
    expect(toResponseHeaders(response).status).toBe(status);
  });

  it("keeps every header, each Set-Cookie apart, and drops hop-by-hop headers and Status", () => {
    const headers = new Headers([
      ["content-type", "text/html"],
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["connection", "close"],
      ["keep-alive", "timeout=5"],
      ["transfer-encoding", "chunked"],
      ["status", "500"],
      ["x-kept", "yes"],
    ]);
    const event = toResponseHeaders(new Response("x", { headers }));
    expect(event.contentType).toBe("text/html");
    // Sorted by name (a stable sort: the two Set-Cookies keep their order), because the order
    // of different names is the runtime's: Bun's Headers yields Set-Cookie last.
    const byName = [...event.otherHeaders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    expect(byName).toEqual([
      ["set-cookie", "a=1"],
      ["set-cookie", "b=2"],
      ["x-kept", "yes"],
    ]);
  });
});

describe("localRedirect", () => {
  it("becomes status null and a Location alone, with no body", async () => {
    const events: ResponseEvent[] = [];
    for await (const event of responseEvents(localRedirect("/elsewhere"))) events.push(event);
    expect(events.map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseEnd"]);
    const headers = events[0] as ResponseHeaders;
    expect([headers.status, headers.location, headers.otherHeaders]).toEqual([null, "/elsewhere", []]);
  });

  it("is an ordinary Response to everything else, and an equal-looking one is not a local redirect", () => {
    const redirect = localRedirect("/x");
    expect(redirect).toBeInstanceOf(Response);
    expect(toResponseHeaders(new Response(null, { headers: { location: "/x" } })).status).toBe("200 OK");
  });
});

describe("responseEvents", () => {
  const collect = async (response: Response): Promise<ResponseEvent[]> => {
    const events: ResponseEvent[] = [];
    for await (const event of responseEvents(response)) events.push(event);
    return events;
  };

  it("yields headers, each non-empty body chunk as it streams, then the end", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(latin1("one"));
        controller.enqueue(new Uint8Array(0));
        controller.enqueue(latin1("two"));
        controller.close();
      },
    });
    const events = await collect(new Response(body, { headers: { "content-type": "text/plain" } }));
    expect(events.map((event) => event.constructor)).toEqual([
      ResponseHeaders,
      ResponseBody,
      ResponseBody,
      ResponseEnd,
    ]);
    expect(events.slice(1, 3).map((event) => String.fromCharCode(...(event as ResponseBody).data))).toEqual([
      "one",
      "two",
    ]);
  });

  it("yields no body event for a response without body", async () => {
    expect((await collect(new Response(null, { status: 304 }))).map((event) => event.type)).toEqual([
      "ResponseHeaders",
      "ResponseEnd",
    ]);
  });

  it("throws before any event when the body was already used", async () => {
    const response = new Response("once");
    await response.text();
    await expect(responseEvents(response).next()).rejects.toThrow(TypeError);
  });

  it("withoutBody yields the headers and the end only, and cancels the body", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const events: ResponseEvent[] = [];
    for await (const event of responseEvents(new Response(body), { withoutBody: true })) events.push(event);
    expect(events.map((event) => event.type)).toEqual(["ResponseHeaders", "ResponseEnd"]);
    expect(cancelled).toBe(true);
  });

  it("keeps a local redirect without body", async () => {
    const first = await responseEvents(localRedirect("/x"), { withoutBody: true }).next();
    expect((first.value as ResponseHeaders).status).toBeNull();
  });

  it("an aborted signal cancels a body that is waiting, and ends without ResponseEnd", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        cancelled = true;
      },
    });
    const controller = new AbortController();
    const events = responseEvents(new Response(body), { signal: controller.signal });
    expect((await events.next()).value).toBeInstanceOf(ResponseHeaders);
    const pending = events.next();
    controller.abort();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(cancelled).toBe(true);
  });

  it("cancels the body when the consumer stops early", async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(latin1("more"));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of responseEvents(new Response(body))) {
      if (event.type === "ResponseBody") break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("requestEnvironment", () => {
  it("writes what toRequest reads back: method, URL, headers", async () => {
    const request = new Request("https://app.test:8443/a%20b?x=1", {
      method: "POST",
      headers: { "content-type": "text/plain", "x-trace": "7" },
      body: "hi",
    });
    const environment = requestEnvironment(request, 2);
    expect([...environment.keys()].slice(0, 2)).toEqual(["CONTENT_LENGTH", "REQUEST_METHOD"]);
    expect(environment.get("HTTPS")).toBe("on");
    const back = toRequest(new RequestHeaders([["SCGI", "1"], ...environment]), latin1("hi"));
    expect(back.method).toBe("POST");
    expect(back.url).toBe("https://app.test:8443/a%20b?x=1");
    expect(back.headers.get("x-trace")).toBe("7");
    expect(back.headers.get("content-type")).toBe("text/plain");
    expect(await back.text()).toBe("hi");
  });
});

describe("toResponse", () => {
  it("gives the status, reason, headers and body of response headers", async () => {
    const headers = new ResponseHeaders("201 Made", [
      ["Content-Type", "text/plain"],
      ["Set-Cookie", "a=1"],
      ["Set-Cookie", "b=2"],
    ]);
    const response = toResponse(headers, new Blob(["done"]).stream());
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    expect(await response.text()).toBe("done");
  });

  it("refuses headers without a status, which have no HTTP equivalent", () => {
    expect(() => toResponse(new ResponseHeaders(null, [["Location", "/x"]]), null)).toThrow(TypeError);
  });
});
