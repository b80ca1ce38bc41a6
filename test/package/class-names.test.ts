/**
 * The built package keeps its class names, in both builds: error names and messages come
 * from them (`Cannot send RequestHeaders in state HEADERS`), and users log them. The
 * CommonJS build once renamed every class with a field to `_class`, `_class2`...
 */

import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { ENTRIES, ROOT } from "../support/package.js";

const require = createRequire(import.meta.url);

/** The exported classes of a module: functions whose source is a class. */
function classes(module: Record<string, unknown>): [string, { name: string }][] {
  return Object.entries(module).filter(
    (entry): entry is [string, { name: string }] =>
      typeof entry[1] === "function" && Function.prototype.toString.call(entry[1]).startsWith("class"),
  );
}

const BUILDS = [
  ["ESM (import)", (name: string) => import(pathToFileURL(`${ROOT}dist/${name}.js`).href)],
  ["CommonJS (require)", async (name: string) => require(`${ROOT}dist/${name}.cjs`)],
] as const;

describe.each(BUILDS)("the %s build", (_, load) => {
  it.each(ENTRIES.map((entry) => [entry.specifier, entry.name] as const))(
    "%s exports each class under its own name",
    async (_specifier, name) => {
      const found = classes((await load(name)) as Record<string, unknown>);
      for (const [exported, value] of found) expect(value.name, exported).toBe(exported);
    },
  );

  it("exports classes at all (the filter above finds them)", async () => {
    const found = classes((await load("index")) as Record<string, unknown>);
    expect(found.map(([exported]) => exported)).toEqual(
      expect.arrayContaining(["SCGIConnection", "RequestHeaders", "ProtocolError", "RemoteProtocolError"]),
    );
  });

  it("names the event in a BadEventInStateError message", async () => {
    const { SCGIConnection, RequestHeaders } = (await load("index")) as typeof import("../../src/index.js");
    const conn = new SCGIConnection();
    expect(() => conn.send(new RequestHeaders({}) as never)).toThrow(/Cannot send RequestHeaders in state HEADERS/);
  });
});

describe("the two builds in one process (the README's dual-package hazard)", () => {
  it("share no classes: instanceof fails across them, and send refuses the other copy's events", async () => {
    const esm = (await import(pathToFileURL(`${ROOT}dist/index.js`).href)) as typeof import("../../src/index.js");
    const cjs = require(`${ROOT}dist/index.cjs`) as typeof import("../../src/index.js");
    expect(cjs.RemoteProtocolError).not.toBe(esm.RemoteProtocolError);
    const conn = new esm.SCGIConnection();
    conn.receiveData(new TextEncoder().encode("x"));
    const error = (() => {
      try {
        conn.nextEvent();
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(esm.RemoteProtocolError);
    expect(error).not.toBeInstanceOf(cjs.RemoteProtocolError);
    expect((error as { code: string }).code).toBe("ERR_SCGI_BAD_NETSTRING_LENGTH");
    expect(() => new esm.SCGIConnection().send(new cjs.ResponseHeaders("200 OK", []))).toThrow(
      esm.BadEventInStateError,
    );
  });
});
