/**
 * A one-shot signal between a test and the code it drives: `fire()` settles `fired`. Tests
 * use it to hold a handler until they let it go, or to learn that a request has arrived.
 */
export interface Signal {
  readonly fired: Promise<void>;
  readonly fire: () => void;
}

/** A new {@link Signal}, not yet fired. */
export function signal(): Signal {
  let fire = (): void => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}
