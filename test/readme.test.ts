/**
 * The README against the code: its state diagrams are rendered from the transition tables,
 * its error tables list every leaf class with its code and suggested status, and its
 * rTorrent call is the example the interop suite runs.
 */

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLIENT_TX_TRANSITIONS } from "../src/client/request-writer.js";
import { CLIENT_RX_TRANSITIONS } from "../src/client/response-reader.js";
import { RemoteProtocolError } from "../src/index.js";
import { RX_TRANSITIONS } from "../src/server/request-reader.js";
import { TX_TRANSITIONS } from "../src/server/response-writer.js";
import { LEAVES } from "./support/errors.js";
import { TRANSPORT_LEAVES } from "./support/transport-errors.js";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** A Mermaid state diagram of a transition table: one arrow per entry. */
function diagram(transitions: Readonly<Record<string, Partial<Record<string, string>>>>, start: string): string {
  const arrows = Object.entries(transitions).flatMap(([state, row]) =>
    Object.entries(row).map(([input, next]) => `  ${state} --> ${next}: ${input}`),
  );
  return ["```mermaid", "stateDiagram-v2", `  [*] --> ${start}`, ...arrows, "```"].join("\n");
}

describe("README", () => {
  it("draws the receive state machine from RX_TRANSITIONS", () => {
    expect(README).toContain(diagram(RX_TRANSITIONS, "HEADER_LENGTH"));
  });

  it("draws the transmit state machine from TX_TRANSITIONS", () => {
    expect(README).toContain(diagram(TX_TRANSITIONS, "HEADERS"));
  });

  it("draws the client's state machines from CLIENT_TX_TRANSITIONS and CLIENT_RX_TRANSITIONS", () => {
    expect(README).toContain(diagram(CLIENT_TX_TRANSITIONS, "HEADERS"));
    expect(README).toContain(diagram(CLIENT_RX_TRANSITIONS, "HEADERS"));
  });

  it("shows the code of examples/rtorrent-xmlrpc.mjs, which the interop suite runs against rTorrent", () => {
    const example = readFileSync(new URL("../examples/rtorrent-xmlrpc.mjs", import.meta.url), "utf8");
    const code = example.slice(example.indexOf("import "));
    expect(README).toContain(["```js", code.trimEnd(), "```"].join("\n"));
  });

  /** The cells of each README table row, trimmed: `| a | b |` gives `["a", "b"]`. */
  const rows = README.split("\n")
    .filter((line) => line.startsWith("|"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );

  it.each(TRANSPORT_LEAVES.map((error) => [error.name, error] as const))("lists %s with its code", (name, error) => {
    const row = rows.find((cells) => cells[0] === `\`${name}\``);
    expect(row, `no README row for ${name}`).toBeDefined();
    expect((row as string[])[1]).toBe(`\`${error.code}\``);
  });

  it.each(LEAVES.map((error) => [error.name, error] as const))("lists %s with its code and status", (name, error) => {
    const row = rows.find((cells) => cells[0] === `\`${name}\``);
    expect(row, `no README row for ${name}`).toBeDefined();
    const [, family, code, status] = row as string[];
    expect(code).toBe(`\`${error.code}\``);
    expect(family).toBe(error instanceof RemoteProtocolError ? "remote" : "local");
    if (error instanceof RemoteProtocolError) expect(status).toContain(String(error.httpStatus));
    else expect(status).toBe("");
  });
});
