/**
 * An environment as a caller gives it, turned into the `Map` a `RequestHeaders` holds.
 *
 * Strategy: accept the shapes JavaScript code has at hand (a `Map`, an array of pairs, any
 * iterable of pairs, a plain object) with strings or bytes as values, and make one
 * `Map<string, Uint8Array>` of it, so that everything downstream (the client's writer, the
 * fetch bridge, an application) sees one shape. This conversion throws only where it cannot
 * be faithful: a value of the wrong type, a string ISO-8859-1 cannot encode, or a name
 * given twice (a `Map` would keep one of the two silently). Whether the result is a
 * request that can be sent is the writer's question, asked when it is sent.
 *
 * @module
 * @internal
 */

import { describeValue, isLatin1, writeLatin1 } from "./bytes.js";
import { DuplicateRequestVariableError, NotISO88591Error, quote } from "./errors.js";

/** A variable's value as `RequestHeaders` takes it: bytes, or a string to encode as ISO-8859-1. */
export type EnvironmentValue = string | Uint8Array;

/**
 * An environment as `RequestHeaders` takes it: a `Map`, an array or other iterable of
 * `[name, value]` pairs, or a plain object whose own enumerable properties are the
 * variables. Order is kept (a plain object's is JavaScript's property order).
 */
export type EnvironmentInit =
  | Iterable<readonly [string, EnvironmentValue]>
  | Readonly<Record<string, EnvironmentValue>>;

/** A value as bytes: a `Uint8Array` as it is, a string encoded as ISO-8859-1. */
function encodeValue(name: string, value: EnvironmentValue): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== "string") {
    // A number is the usual slip (CONTENT_LENGTH: body.length): say what to write instead.
    const scalar = typeof value === "number" || typeof value === "bigint" || typeof value === "boolean";
    throw new TypeError(
      `RequestHeaders variable ${quote(name)} must have a string or Uint8Array value, not ${
        scalar ? `the ${typeof value} ${String(value)}: give String(${String(value)})` : describeValue(value)
      }`,
    );
  }
  if (!isLatin1(value)) throw new NotISO88591Error(`Request variable ${name} value`, value);
  const bytes = new Uint8Array(value.length);
  writeLatin1(value, bytes, 0);
  return bytes;
}

/**
 * Converts an environment into a new `Map<string, Uint8Array>` in the same order. Byte
 * values are kept, not copied; string values are encoded as ISO-8859-1.
 *
 * @throws `TypeError` if `init` is not an object, an entry is not a `[name, value]` pair,
 *   a name is not a string, or a value is neither a string nor a `Uint8Array`.
 * @throws {@link NotISO88591Error} if a string value has a character above U+00FF.
 * @throws {@link DuplicateRequestVariableError} if pairs name a variable twice.
 */
export function toEnvironment(init: EnvironmentInit): Map<string, Uint8Array> {
  if (typeof init !== "object" || init === null) {
    throw new TypeError(`RequestHeaders takes a Map, pairs or a plain object, not ${describeValue(init)}`);
  }
  const entries: Iterable<readonly [string, EnvironmentValue]> =
    Symbol.iterator in init
      ? (init as Iterable<readonly [string, EnvironmentValue]>)
      : Object.entries(init as Readonly<Record<string, EnvironmentValue>>);
  const environment = new Map<string, Uint8Array>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== "string") {
      throw new TypeError("RequestHeaders takes [name, value] pairs whose names are strings");
    }
    const [name, value] = entry;
    if (environment.has(name)) throw new DuplicateRequestVariableError(name);
    environment.set(name, encodeValue(name, value));
  }
  return environment;
}
