/**
 * `--workers N`: this test process is the supervisor (runCommand in-process), and its
 * workers are real processes running the built command (dist/cli.js), sharing its
 * listeners. Two distinct processes answer; a worker killed with SIGKILL is replaced; a
 * worker that cannot start stops the whole; SIGTERM drains them all.
 */

import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createServer } from "../../src/node.js";
import { runCommand } from "../../src/ops/command.js";
import { restartDelay } from "../../src/ops/supervisor.js";
import { CLI, fixture, scgiGet, type Target } from "../support/command.js";

/** Runs the command as a supervisor, collecting what it writes. */
function supervisor(argv: string[]) {
  const lines: string[] = [];
  const status = runCommand({
    argv,
    script: CLI,
    fetchServer: (handler) => createServer(handler),
    nodeServer: () => Promise.reject(new Error("not used")),
    output: { out: (line) => lines.push(line), err: (line) => lines.push(line) },
    environment: {},
  });
  const waitFor = async (pattern: RegExp): Promise<RegExpMatchArray> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match !== null) return match;
      }
      if (Date.now() > deadline) throw new Error(`no line matched ${pattern}:\n${lines.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { status, lines, waitFor };
}

/** The process ids that answer `count` requests. */
async function answeringPids(target: Target, count: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let index = 0; index < count; index++) {
    const { status, body } = await scgiGet(target, "/");
    expect(status).toBe(200);
    pids.add(Number(body.replace("pid ", "")));
  }
  return pids;
}

describe("--workers", () => {
  it("answers from two processes, replaces one killed with SIGKILL, and drains both on SIGTERM", async () => {
    const directory = mkdtempSync(join(tmpdir(), "sioscgi-workers-"));
    const path = join(directory, "app.sock");
    try {
      const run = supervisor(["serve", fixture("app.mjs"), "--workers", "2", "--listen", `unix:${path}`]);
      await run.waitFor(/^sioscgi: 2 workers ready \(pids (\d+), (\d+)\)$/);
      expect(run.lines[0]).toBe(`sioscgi: listening on unix:${path}`);
      // The supervisor binds the socket, with the default mode, for all its workers.
      expect(statSync(path).mode & 0o777).toBe(0o666);
      const pids = await answeringPids(path, 6);
      expect(pids.size).toBe(2);
      expect(pids.has(process.pid)).toBe(false);

      const [killed, survivor] = [...pids] as [number, number];
      process.kill(killed, "SIGKILL");
      const [, replacement] = await run.waitFor(/^sioscgi: worker (\d+) ready$/);
      // It had lived less than 5 s: its replacement waited the first backoff step.
      expect(run.lines).toContain(`sioscgi: worker ${killed} exited on SIGKILL; starting another in 100 ms`);
      expect(await answeringPids(path, 6)).toEqual(new Set([survivor, Number(replacement)]));

      process.emit("SIGTERM", "SIGTERM");
      expect(await run.status).toBe(0);
      expect(run.lines).toContain("sioscgi: SIGTERM: draining 2 workers");
      expect(() => statSync(path)).toThrow();
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it("ends every worker at once on a second signal", async () => {
    const run = supervisor(["serve", fixture("app.mjs"), "--workers", "2", "--listen", "127.0.0.1:0"]);
    await run.waitFor(/^sioscgi: 2 workers ready/);
    process.emit("SIGINT", "SIGINT");
    process.emit("SIGINT", "SIGINT");
    expect(await run.status).toBe(130);
    expect(run.lines.at(-1)).toBe("sioscgi: SIGINT again: ending every worker now");
  });

  it("stops with the workers' status when they cannot start", async () => {
    const run = supervisor(["serve", fixture("not-an-app.mjs"), "--workers", "2", "--listen", "127.0.0.1:0"]);
    expect(await run.status).toBe(2);
    expect(run.lines.join("\n")).toMatch(/a worker exited with status 2 before it was ready; stopping/);
  });
});

describe("restartDelay", () => {
  it("replaces at once a worker that lived, and waits longer each time workers keep dying young", () => {
    expect([0, 1, 2, 3, 4, 8, 20].map(restartDelay)).toEqual([0, 100, 200, 400, 800, 10_000, 10_000]);
  });
});
