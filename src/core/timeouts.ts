/**
 * The one rule for a timeout given in milliseconds, wherever the library sets a timer for
 * one: the servers' options, the one-call client's `timeout`, and graceful shutdown.
 *
 * Strategy: runtimes keep a timer's delay in a signed 32-bit integer and turn a longer one
 * (`Infinity` included) into 1 ms, so a timeout that meant "a long time" would fire at
 * once. A value a timer cannot hold is therefore refused when it is given, with the range
 * in the message; only the callers for which "never" makes sense accept `Infinity`, and
 * set no timer for it.
 *
 * @module
 */

/**
 * The longest delay a timer takes, in milliseconds (about 24.8 days).
 *
 * @internal
 */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * What a timeout may be besides a positive number of milliseconds a timer can wait.
 *
 * @internal
 */
export interface TimeoutRange {
  /** `0` is allowed: no waiting at all. */
  readonly zero?: boolean;
  /** `Infinity` is allowed: no timer, the wait never ends by itself. */
  readonly infinite?: boolean;
}

/**
 * Checks a timeout option and applies its default.
 *
 * @param name - The option's name, for the error's message.
 * @param value - The value given, `undefined` when left out.
 * @param fallback - What a left-out value means.
 * @param range - Whether `0` and `Infinity` are allowed besides 1 to {@link MAX_TIMEOUT}.
 * @returns `value`, or `fallback` when `value` is `undefined`.
 * @throws `RangeError` if `value` is not a number, is out of `range`, or is finite and
 *   above {@link MAX_TIMEOUT}.
 * @internal
 */
export function timeoutOption<Fallback extends number | undefined>(
  name: string,
  value: number | undefined,
  fallback: Fallback,
  range: TimeoutRange = {},
): number | Fallback {
  if (value === undefined) return fallback;
  const least = range.zero === true ? 0 : Number.MIN_VALUE;
  const most = range.infinite === true ? Number.POSITIVE_INFINITY : MAX_TIMEOUT;
  if (typeof value !== "number" || !(value >= least) || (value > MAX_TIMEOUT && value !== most)) {
    const span = range.zero === true ? `from 0 to ${MAX_TIMEOUT}` : `above 0 and at most ${MAX_TIMEOUT}`;
    const or = range.infinite === true ? ", or Infinity" : "";
    throw new RangeError(`${name} must be a number of milliseconds ${span}${or}, not ${String(value)}`);
  }
  return value;
}
