/**
 * Test-side helpers: an SCGI request encoder written independently of the library, the
 * ways of cutting a byte string into chunks that every parser test runs through, and a
 * driver that feeds chunks to a receiver and gathers what comes out.
 */

import { type ProtocolError, RequestBody, type RequestEvent, RequestHeaders } from "../../src/index.js";

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

/** An SCGI request as nginx would send it: `CONTENT_LENGTH`, `SCGI`, the method, URI and host, then `extra`. */
export function webServerRequest(
  method: string,
  uri: string,
  body: Uint8Array = new Uint8Array(0),
  extra: readonly (readonly [string, string])[] = [],
): Uint8Array {
  return scgiRequest(
    [
      ["CONTENT_LENGTH", String(body.length)],
      ["SCGI", "1"],
      ["REQUEST_METHOD", method],
      ["REQUEST_URI", uri],
      ["HTTP_HOST", "app.test"],
      ...extra,
    ],
    body,
  );
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

/** Anything that takes bytes and gives request events: SCGIConnection or SCGIReader. */
export interface RequestReceiver {
  receiveData(chunk: Uint8Array): void;
  nextEvent(): RequestEvent | null;
}

/** What a receiver made of an input. */
export interface Outcome {
  /** Every event, in order. */
  readonly events: RequestEvent[];
  /** The environment of the RequestHeaders event, if one came. */
  readonly environment: ReadonlyMap<string, Uint8Array> | undefined;
  /** The body events' bytes, concatenated. */
  readonly body: Uint8Array;
  /** The error nextEvent threw, if any. */
  readonly error: ProtocolError | undefined;
}

/** Feeds `chunks` (then EOF, unless `eof` is false), draining events after each call. */
export function feed(receiver: RequestReceiver, chunks: readonly Uint8Array[], eof = true): Outcome {
  const events: RequestEvent[] = [];
  let error: ProtocolError | undefined;
  const drain = (): boolean => {
    try {
      for (let event = receiver.nextEvent(); event !== null; event = receiver.nextEvent()) events.push(event);
      return true;
    } catch (caught) {
      error = caught as ProtocolError;
      return false;
    }
  };
  for (const chunk of chunks) {
    receiver.receiveData(chunk);
    if (!drain()) break;
  }
  if (eof && error === undefined) {
    receiver.receiveData(new Uint8Array(0));
    drain();
  }
  const headers = events.find((event) => event instanceof RequestHeaders);
  const body = concat(...events.filter((event) => event instanceof RequestBody).map((event) => event.data));
  return { events, environment: headers?.environment, body, error };
}

/** The sequence of event types, with body events merged: the shape chunking must not change. */
export function shape(outcome: Outcome): string[] {
  const types: string[] = [];
  for (const event of outcome.events) {
    if (event instanceof RequestBody && types.at(-1) === "RequestBody") continue;
    types.push(event.type);
  }
  return types;
}

/** The environment as plain `[name, value-as-latin1]` pairs, for readable equality checks. */
export function entries(environment: ReadonlyMap<string, Uint8Array> | undefined): [string, string][] {
  return [...(environment ?? [])].map(([name, value]) => [name, String.fromCharCode(...value)]);
}
