/** RXState and TXState: plain string constants, usable as values and as types. */

import { expect, it } from "vitest";
import { RXState, TXState } from "../../src/index.js";

it("each state's value is its own name, so it reads well in logs", () => {
  for (const states of [RXState, TXState]) {
    for (const [key, value] of Object.entries(states)) expect(value).toBe(key);
  }
  expect(Object.keys(RXState)).toEqual(["HEADER_LENGTH", "HEADERS", "BODY", "DONE", "ERROR"]);
  expect(Object.keys(TXState)).toEqual(["HEADERS", "BODY", "NO_BODY", "DONE", "ERROR"]);
});

it("the type of the same name accepts exactly the values", () => {
  const state: RXState = "BODY";
  // @ts-expect-error -- not a receive state
  const wrong: TXState = "HEADER_LENGTH";
  expect([state, wrong]).toEqual(["BODY", "HEADER_LENGTH"]);
});
