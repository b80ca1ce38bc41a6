/**
 * The built declarations (.d.ts for import, .d.cts for require) type-check in a consumer's
 * project whatever its interop settings: with `esModuleInterop` and
 * `allowSyntheticDefaultImports` off, a default import of a `node:` module (`import net
 * from "node:net"`) in a declaration file fails, so the package must use named imports.
 * The consumer imports every entry point, from ESM and from CommonJS, under Node's own
 * resolution and under the older node10 resolution, which reads typesVersions (a bundler
 * resolves as nodenext does for ESM).
 */

import { describe, expect, it } from "vitest";
import { ENTRIES } from "../support/package.js";
import { compilerOptions, typecheck } from "../support/typecheck.js";

/** A module that imports every entry point and uses one of its exports, so that nothing is elided. */
const consumer = ENTRIES.map(
  ({ specifier }, index) =>
    `import * as entry${index} from "${specifier}";\nexport const keys${index} = Object.keys(entry${index});`,
).join("\n");

const WITHOUT_INTEROP = { esModuleInterop: false, allowSyntheticDefaultImports: false };

// Each check reads Node's and the DOM's declarations whole (skipLibCheck is off): seconds, more on a busy machine.
describe("the built declarations, without esModuleInterop", { timeout: 120_000 }, () => {
  it("type-check when imported from ESM and required from CommonJS (module nodenext)", () => {
    const problems = typecheck(
      { "consumer.mts": consumer, "consumer.cts": consumer },
      compilerOptions(WITHOUT_INTEROP),
    );
    expect(problems).toEqual([]);
  });

  it("type-check under the node10 resolution (module commonjs), through typesVersions", () => {
    const problems = typecheck(
      { "consumer.ts": consumer },
      compilerOptions({ ...WITHOUT_INTEROP, module: "commonjs", moduleResolution: "node10" }),
    );
    expect(problems).toEqual([]);
  });
});
