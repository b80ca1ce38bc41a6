/**
 * The one test driver for both receive halves: feeds chunks to anything with
 * `receiveData` and `nextEvent` (a server's reader or connection, a client's reader or
 * connection) and gathers what comes out.
 */

import type {
  ProtocolError,
  RequestBody,
  RequestEvent,
  RequestHeaders,
  ResponseBody,
  ResponseEvent,
  ResponseHeaders,
} from "../../src/index.js";
import { concat } from "./scgi.js";

/** The events of either side. */
type AnyEvent = RequestEvent | ResponseEvent;

/** Anything that takes bytes and gives events of type `E`. */
export interface Receiver<E extends AnyEvent> {
  receiveData(chunk: Uint8Array): void;
  nextEvent(): E | null;
}

/** What a receiver made of an input. */
export interface Outcome<E extends AnyEvent> {
  /** Every event, in order. */
  readonly events: E[];
  /** The headers event (`RequestHeaders` or `ResponseHeaders`), if one came. */
  readonly headers: Extract<E, RequestHeaders | ResponseHeaders> | undefined;
  /** The body events' bytes, concatenated. */
  readonly body: Uint8Array;
  /** The error nextEvent threw, if any. */
  readonly error: ProtocolError | undefined;
}

/** Whether `event` is a request's or a response's headers. */
function isHeaders(event: AnyEvent): event is RequestHeaders | ResponseHeaders {
  return event.type === "RequestHeaders" || event.type === "ResponseHeaders";
}

/** Whether `event` is a request's or a response's body chunk. */
function isBody(event: AnyEvent): event is RequestBody | ResponseBody {
  return event.type === "RequestBody" || event.type === "ResponseBody";
}

/** Feeds `chunks` (then EOF, unless `eof` is false), draining events after each call. */
export function feedEvents<E extends AnyEvent>(
  receiver: Receiver<E>,
  chunks: readonly Uint8Array[],
  eof = true,
): Outcome<E> {
  const events: E[] = [];
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
  const all: readonly AnyEvent[] = events;
  const headers = all.find(isHeaders) as Extract<E, RequestHeaders | ResponseHeaders> | undefined;
  const body = concat(...all.filter(isBody).map((event) => event.data));
  return { events, headers, body, error };
}

/** The sequence of event types, with body events merged: the shape chunking must not change. */
export function eventShape(outcome: Outcome<AnyEvent>): string[] {
  const types: string[] = [];
  for (const event of outcome.events) {
    if (isBody(event) && types.at(-1) === event.type) continue;
    types.push(event.type);
  }
  return types;
}
