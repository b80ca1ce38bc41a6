/**
 * Test-side helpers: an SCGI request encoder written independently of the library, and
 * the ways of cutting a byte string into chunks that every parser test runs through (the
 * driver that feeds them is in feed.ts), and events as plain data for readable equality
 * checks.
 */

import type { ResponseHeaders } from "../../src/index.js";

/** Bytes of an ASCII/Latin-1 string, one byte per char code (test inputs only). */
export function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

/** Bytes of a UTF-8 string. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Encodes an SCGI request: the environment netstring (names and values as given), then the body. */
export function scgiRequest(
  variables: ReadonlyArray<readonly [string, string | Uint8Array]>,
  body: Uint8Array | string = new Uint8Array(0),
): Uint8Array {
  const block = concat(
    ...variables.flatMap(([name, value]) => [
      latin1(name),
      Uint8Array.of(0),
      typeof value === "string" ? latin1(value) : value,
      Uint8Array.of(0),
    ]),
  );
  return concat(latin1(`${block.length}:`), block, latin1(","), typeof body === "string" ? latin1(body) : body);
}

/** A chunking of an input: a label for the test name and the chunks. */
export interface Chunking {
  readonly label: string;
  readonly chunks: readonly Uint8Array[];
}

/**
 * Every way the parser tests cut an input: whole, split in two at every byte boundary,
 * and one byte at a time. Each chunk is a copy, so a parser that keeps views into an
 * earlier chunk cannot pass by accident.
 */
export function chunkings(bytes: Uint8Array): Chunking[] {
  const result: Chunking[] = [{ label: "in one chunk", chunks: [bytes.slice()] }];
  for (let cut = 1; cut < bytes.length; cut++) {
    result.push({ label: `split at byte ${cut}`, chunks: [bytes.slice(0, cut), bytes.slice(cut)] });
  }
  result.push({ label: "one byte at a time", chunks: Array.from(bytes, (byte) => Uint8Array.of(byte)) });
  return result;
}

/** The environment as plain `[name, value-as-latin1]` pairs, for readable equality checks. */
export function entries(environment: ReadonlyMap<string, Uint8Array> | undefined): [string, string][] {
  return [...(environment ?? [])].map(([name, value]) => [name, String.fromCharCode(...value)]);
}

/** A ResponseHeaders as plain data, for readable equality checks. */
export function headerFields(headers: ResponseHeaders | undefined): unknown {
  if (headers === undefined) return undefined;
  const { status, contentType, location, otherHeaders } = headers;
  return { status, contentType, location, otherHeaders: otherHeaders.map(([name, value]) => [name, value]) };
}
