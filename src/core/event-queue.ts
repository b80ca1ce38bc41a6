/**
 * A first-in, first-out queue of parsed events.
 *
 * Strategy: an array and the index of its head, so that taking an event never shifts the
 * array (`Array.prototype.shift` is linear), and the array is emptied, keeping its
 * capacity, each time the consumer catches up, which with `nextEvent` drained after every
 * `receiveData` is almost every time.
 *
 * @module
 * @internal
 */

/** The events a reader has parsed and its caller has not taken yet. */
export class EventQueue<Event> {
  /** Queued events; entries before {@link #head} are spent. */
  #events: (Event | undefined)[] = [];

  /** Index of the next event to take. */
  #head = 0;

  /** Adds an event at the tail. */
  push(event: Event): void {
    this.#events.push(event);
  }

  /** Takes the event at the head, or returns `null` when the queue is empty. */
  shift(): Event | null {
    if (this.#head === this.#events.length) return null;
    const event = this.#events[this.#head] as Event;
    this.#events[this.#head++] = undefined;
    if (this.#head === this.#events.length) {
      this.#events.length = 0;
      this.#head = 0;
    }
    return event;
  }
}
