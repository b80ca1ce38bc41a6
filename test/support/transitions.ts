/**
 * The transition-table suite both writers share: from every state, every event, checked
 * against the table the test spells out.
 */

import { expect, it } from "vitest";
import { BadEventInStateError, type ProtocolError, TXState } from "../../src/index.js";

/** A writer as this suite drives it: SCGIWriter or SCGIClientWriter. */
interface Writer<E> {
  send(event: E): Uint8Array | null;
  readonly state: TXState;
  readonly error: ProtocolError | null;
}

/** How to bring a fresh writer into a state (events sent from the start), and what it accepts there. */
export interface StateCase<N extends string> {
  readonly path: readonly N[];
  readonly accepts: Partial<Record<N, TXState>>;
}

/**
 * Declares one test per state and event: a fresh writer is brought into the state along
 * its path, then sent the event, which must move it to the listed state, or, where none is
 * listed, fail with {@link BadEventInStateError} and leave the writer in ERROR.
 *
 * @param makeWriter - A fresh writer.
 * @param events - Each event by name, made fresh for each send.
 * @param states - Each state the writer can be in, as a {@link StateCase}.
 */
export function transitionTable<E, N extends string>(
  makeWriter: () => Writer<E>,
  events: Readonly<Record<N, () => E>>,
  states: Readonly<Record<string, StateCase<N>>>,
): void {
  for (const [state, { path, accepts }] of Object.entries(states)) {
    for (const eventName of Object.keys(events) as N[]) {
      const next = accepts[eventName];
      it(`${state} + ${eventName} -> ${next ?? "BadEventInStateError"}`, () => {
        const writer = makeWriter();
        for (const step of path) writer.send(events[step]());
        expect(writer.state).toBe(state);
        if (next === undefined) {
          expect(() => writer.send(events[eventName]())).toThrow(BadEventInStateError);
          expect(writer.state).toBe(TXState.ERROR);
        } else {
          writer.send(events[eventName]());
          expect(writer.state).toBe(next);
          expect(writer.error).toBeNull();
        }
      });
    }
  }
}
