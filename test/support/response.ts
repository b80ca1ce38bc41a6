/**
 * Test-side helpers for the client: a driver that feeds response chunks to a receiver
 * (SCGIClientReader or SCGIClientConnection) and gathers what comes out, the mirror of
 * `feed` in scgi.ts.
 */

import { type ProtocolError, ResponseBody, type ResponseEvent, ResponseHeaders } from "../../src/index.js";
import { concat } from "./scgi.js";

/** Anything that takes bytes and gives response events. */
export interface ResponseReceiver {
  receiveData(chunk: Uint8Array): void;
  nextEvent(): ResponseEvent | null;
}

/** What a receiver made of a response. */
export interface ResponseOutcome {
  /** Every event, in order. */
  readonly events: ResponseEvent[];
  /** The ResponseHeaders event, if one came. */
  readonly headers: ResponseHeaders | undefined;
  /** The body events' bytes, concatenated. */
  readonly body: Uint8Array;
  /** The error nextEvent threw, if any. */
  readonly error: ProtocolError | undefined;
}

/** Feeds `chunks` (then EOF, unless `eof` is false), draining events after each call. */
export function feedResponse(receiver: ResponseReceiver, chunks: readonly Uint8Array[], eof = true): ResponseOutcome {
  const events: ResponseEvent[] = [];
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
  const headers = events.find((event) => event instanceof ResponseHeaders);
  const body = concat(...events.filter((event) => event instanceof ResponseBody).map((event) => event.data));
  return { events, headers, body, error };
}

/** The sequence of event types, with body events merged: the shape chunking must not change. */
export function responseShape(outcome: ResponseOutcome): string[] {
  const types: string[] = [];
  for (const event of outcome.events) {
    if (event instanceof ResponseBody && types.at(-1) === "ResponseBody") continue;
    types.push(event.type);
  }
  return types;
}

/** A ResponseHeaders as plain data, for readable equality checks. */
export function headerFields(headers: ResponseHeaders | undefined): unknown {
  if (headers === undefined) return undefined;
  const { status, contentType, location, otherHeaders } = headers;
  return { status, contentType, location, otherHeaders: otherHeaders.map(([name, value]) => [name, value]) };
}
