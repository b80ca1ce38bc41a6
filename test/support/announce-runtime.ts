/** A global setup of the portable project: says which runtime the portable suite runs on. */

import { runtime } from "./runtime.js";

export default function announce(): void {
  console.log(`sioscgi: the portable test suite on ${runtime()}`);
}
