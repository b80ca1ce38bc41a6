/** Loading the module `sioscgi serve` runs, and reading its default export for each API. */

import { describe, expect, it } from "vitest";
import { RequestHeaders } from "../../src/index.js";
import { UsageError } from "../../src/ops/addresses.js";
import { loadAppModule, toFetchHandler, toRequestListener } from "../../src/ops/app-module.js";
import { fixture } from "../support/command.js";

describe("loadAppModule", () => {
  it("takes the default export and the hooks", async () => {
    const loaded = await loadAppModule(fixture("app.mjs"));
    expect(typeof loaded.app).toBe("function");
    expect(typeof loaded.onStartup).toBe("function");
    expect(typeof loaded.onShutdown).toBe("function");
  });

  it("leaves absent hooks undefined", async () => {
    const loaded = await loadAppModule(fixture("object-app.mjs"));
    expect(loaded.onStartup).toBeUndefined();
    expect(loaded.onShutdown).toBeUndefined();
  });

  it.each([
    ["missing.mjs", /^cannot load .*missing\.mjs: Cannot find module/],
    ["throws.mjs", /^cannot load .*throws\.mjs: the database is down$/],
    ["bad-hook.mjs", /bad-hook\.mjs: the onStartup export must be a function, not string$/],
  ])("reports a module that cannot be served (%s) as a usage error", async (name, message) => {
    const loading = loadAppModule(fixture(name));
    await expect(loading).rejects.toThrow(UsageError);
    await expect(loading).rejects.toThrow(message);
  });
});

describe("toFetchHandler", () => {
  it("takes a function as it is", () => {
    const handler = () => new Response("");
    expect(toFetchHandler(handler, "app.mjs")).toBe(handler);
  });

  it("calls an object's fetch method with the request and its SCGI headers", async () => {
    const { app } = await loadAppModule(fixture("object-app.mjs"));
    const headers = new RequestHeaders(new Map([["REQUEST_METHOD", new TextEncoder().encode("PUT")]]));
    const response = await toFetchHandler(app, "object-app.mjs")(new Request("http://app.test/here"), headers);
    expect(await response.text()).toBe("hello PUT /here\n");
  });

  it.each([
    [42, "number"],
    [null, "null"],
    [{ fetch: "no" }, "an object without a fetch method"],
    [undefined, "undefined"],
  ])("rejects the export %j", (app, what) => {
    expect(() => toFetchHandler(app, "app.mjs")).toThrow(
      new UsageError(
        `app.mjs: the default export must be a fetch handler (a function) or an object with a fetch method, not ${what}`,
      ),
    );
  });
});

describe("toRequestListener", () => {
  it("takes a function as it is", () => {
    const listener = () => {};
    expect(toRequestListener(listener, "app.mjs")).toBe(listener);
  });

  it("rejects anything else", () => {
    expect(() => toRequestListener({ fetch() {} }, "app.mjs")).toThrow(/with --api node the default export must be/);
  });
});
