/** The event queue the client's reader keeps: first in, first out, however it is drained. */

import { expect, it } from "vitest";
import { EventQueue } from "../../src/core/event-queue.js";

it("gives events back in order, null when empty, and is reusable after it is drained", () => {
  const queue = new EventQueue<number>();
  expect(queue.shift()).toBeNull();
  queue.push(1);
  queue.push(2);
  expect(queue.shift()).toBe(1);
  queue.push(3);
  expect([queue.shift(), queue.shift(), queue.shift()]).toEqual([2, 3, null]);
  queue.push(4);
  expect([queue.shift(), queue.shift()]).toEqual([4, null]);
});
