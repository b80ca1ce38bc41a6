/** The one rule for timeouts in milliseconds: what a timer can hold, and where 0 and Infinity belong. */

import { describe, expect, it } from "vitest";
import { MAX_TIMEOUT, timeoutOption } from "../../src/core/timeouts.js";

describe("timeoutOption", () => {
  it("gives the fallback for a value left out", () => {
    expect(timeoutOption("idleTimeout", undefined, 60_000)).toBe(60_000);
    expect(timeoutOption("timeout", undefined, undefined)).toBeUndefined();
  });

  it("takes a positive number of milliseconds up to the longest a timer waits", () => {
    expect(MAX_TIMEOUT).toBe(2 ** 31 - 1);
    expect(timeoutOption("idleTimeout", 0.5, 1)).toBe(0.5);
    expect(timeoutOption("idleTimeout", MAX_TIMEOUT, 1)).toBe(MAX_TIMEOUT);
  });

  it.each([
    [0, /idleTimeout must be a number of milliseconds above 0 and at most 2147483647, not 0/],
    [-1, /not -1/],
    [Number.NaN, /not NaN/],
    ["10", /not 10/],
    // A timer turns these into 1 ms.
    [2 ** 31, /not 2147483648/],
    [Number.POSITIVE_INFINITY, /at most 2147483647, not Infinity/],
  ])("refuses %j by default", (value, message) => {
    expect(() => timeoutOption("idleTimeout", value as number, 1)).toThrow(RangeError);
    expect(() => timeoutOption("idleTimeout", value as number, 1)).toThrow(message);
  });

  it("takes 0 and Infinity where the range allows them, and still nothing finite above the maximum", () => {
    const range = { zero: true, infinite: true };
    expect(timeoutOption("timeout", 0, 1, range)).toBe(0);
    expect(timeoutOption("timeout", Number.POSITIVE_INFINITY, 1, range)).toBe(Number.POSITIVE_INFINITY);
    expect(() => timeoutOption("timeout", 2 ** 31, 1, range)).toThrow(
      /timeout must be a number of milliseconds from 0 to 2147483647, or Infinity, not 2147483648/,
    );
    expect(() => timeoutOption("timeout", -1, 1, range)).toThrow(RangeError);
  });
});
