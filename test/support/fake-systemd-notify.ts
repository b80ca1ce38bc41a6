/**
 * A stand-in for systemd's `systemd-notify`, put first on the PATH: it appends its
 * arguments, one call per line, to a file, so that a test can see what systemd would have
 * been told without running under systemd.
 */

import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface FakeNotify {
  /** The variables that make the command find the fake and believe it runs under systemd. */
  readonly env: { PATH: string; NOTIFY_SOCKET: string };
  /** The calls so far, each as its arguments joined by spaces. */
  calls(): string[];
  remove(): void;
}

export function fakeSystemdNotify(): FakeNotify {
  const directory = mkdtempSync(join(tmpdir(), "sioscgi-notify-"));
  const log = join(directory, "calls");
  const script = join(directory, "systemd-notify");
  writeFileSync(script, `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\n`);
  chmodSync(script, 0o755);
  return {
    env: { PATH: `${directory}:${process.env.PATH ?? ""}`, NOTIFY_SOCKET: join(directory, "notify") },
    calls: () => (existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : []),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
}
