/**
 * The `sioscgi` command behind a real nginx, as it runs in production: a rolling restart of
 * two processes in one upstream that loses no request, workers healed after SIGKILL, Unix
 * sockets (stale, with a mode nginx's unprivileged workers must pass), socket activation,
 * and the lifecycle hooks. The figures the tests measure are printed, never asserted.
 */

import { readFileSync, statSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nginxConfig } from "../../scripts/nginx-config.mjs";
import {
  cleanUpAfterEach,
  fixture,
  type RunningCommand,
  runCommandProcess,
  socketActivated,
  startServing,
} from "../support/command.js";
import { type Frontend, freePort, startFrontend } from "./harness.js";
import { getPid, load } from "./load.js";

const cleanup = cleanUpAfterEach();
const scratch = (): string => cleanup.directory();
const reap = (command: RunningCommand): RunningCommand => cleanup.reap(command);

/** Serves the fixture app with the command, recording its hooks in `hooks`. */
async function serve(args: string[], hooks: string): Promise<RunningCommand> {
  const { command } = await startServing([fixture("app.mjs"), ...args], { SIOSCGI_TEST_HOOKS: hooks });
  return reap(command);
}

/**
 * nginx with `servers` in one upstream, retried on errors. `max_fails=0`: a process that
 * is restarting refuses connections for a moment, and nginx must not set it aside for
 * `fail_timeout` (or, with both set aside at once, answer 502).
 */
async function nginxWithUpstream(servers: string[]): Promise<Frontend> {
  const frontend = await startFrontend(
    "nginx",
    (directory, port) =>
      nginxConfig({
        directory,
        listen: `127.0.0.1:${port}`,
        upstream: `    upstream app {\n${servers.map((server) => `        server ${server} max_fails=0;\n`).join("")}    }`,
        location:
          "include /etc/nginx/scgi_params;\n            scgi_pass app;\n            scgi_next_upstream error timeout;",
      }),
    (configFile, directory) => ["-p", directory, "-c", configFile, "-e", "stderr"],
  );
  cleanup.add(() => frontend.stop());
  return frontend;
}

/** Milliseconds from sending `signal` to `command` until it has exited, and its status. */
async function timeToExit(command: RunningCommand, signal: NodeJS.Signals): Promise<[number, number | null]> {
  const start = performance.now();
  command.child.kill(signal);
  const { code } = await command.exited;
  return [Math.round(performance.now() - start), code];
}

/** Resolves once `predicate` holds, checking every 10 ms. */
async function until(predicate: () => boolean, what: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const hookLines = (file: string): string[] => {
  try {
    return readFileSync(file, "utf8").trim().split("\n");
  } catch {
    return [];
  }
};

describe("the sioscgi command behind nginx", () => {
  it("restarts two upstream processes in turn under load without losing a request", async () => {
    const directory = scratch();
    const hooks = join(directory, "hooks");
    const [a, b] = [join(directory, "a.sock"), join(directory, "b.sock")];
    let first = await serve(["--listen", `unix:${a}`], hooks);
    let second = await serve(["--listen", `unix:${b}`], hooks);
    const nginx = await nginxWithUpstream([`unix:${a}`, `unix:${b}`]);

    let done = 0;
    // Each request takes the app 40 ms, so that the run lasts long enough for both restarts.
    const running = load(nginx.port, {
      total: 2000,
      concurrency: 20,
      path: "/?ms=40",
      afterEach: (count) => {
        done = count;
      },
    });

    // Put slow requests through nginx until one is in flight on the first process, then,
    // about 500 in, stop that process. The slow one must still be answered.
    await until(() => done >= 300, "300 requests");
    const slowAgent = new http.Agent();
    const slow: Promise<number>[] = [];
    const firstPid = first.child.pid as number;
    while (!hookLines(hooks).includes(`slow request started ${firstPid}`)) {
      slow.push(getPid(slowAgent, nginx.port, "/slow?ms=1500"));
      const started = (): number => hookLines(hooks).filter((line) => line.startsWith("slow")).length;
      await until(() => started() >= slow.length, "the slow request to start");
    }
    await until(() => done >= 500, "500 requests");
    const stoppedAt = done;
    const [firstExit, firstStatus] = await timeToExit(first, "SIGTERM");
    first = await serve(["--listen", `unix:${a}`], hooks);

    // About 1,200 in (or once the first is back): the second one, with whatever the load
    // has in flight on it.
    await until(() => done >= 1200, "1,200 requests");
    const secondStoppedAt = done;
    const [secondExit, secondStatus] = await timeToExit(second, "SIGTERM");
    second = await serve(["--listen", `unix:${b}`], hooks);

    const result = await running;
    const slowPids = await Promise.all(slow);
    slowAgent.destroy();
    console.log(
      `rolling restart: ${result.outcomes.length} requests at concurrency 20, ${result.failures.length} lost; ` +
        `first process stopped after ${stoppedAt} (SIGTERM to exit ${firstExit} ms with a request in flight), ` +
        `second after ${secondStoppedAt} (SIGTERM to exit ${secondExit} ms); answers by process: ${JSON.stringify([...result.byPid])}`,
    );
    expect(result.failures).toEqual([]);
    expect(result.outcomes).toHaveLength(2000);
    expect([firstStatus, secondStatus]).toEqual([0, 0]);
    expect(slowPids).toContain(firstPid);
    expect(result.byPid.get(firstPid)).toBeGreaterThan(0);
    expect(result.byPid.get(first.child.pid as number)).toBeGreaterThan(0);
  });

  it("runs --workers 2 as two processes, and heals a worker killed with SIGKILL", async () => {
    const directory = scratch();
    const path = join(directory, "app.sock");
    const command = reap(
      runCommandProcess(["serve", fixture("app.mjs"), "--workers", "2", "--listen", `unix:${path}`]),
    );
    const [, one, two] = await command.waitFor(/2 workers ready \(pids (\d+), (\d+)\)/);
    const nginx = await nginxWithUpstream([`unix:${path}`]);
    const before = await load(nginx.port, { total: 100, concurrency: 4 });
    expect(before.failures).toEqual([]);
    expect(new Set(before.byPid.keys())).toEqual(new Set([Number(one), Number(two)]));

    const killedAt = performance.now();
    process.kill(Number(one), "SIGKILL");
    const [, replacement] = await command.waitFor(/worker (\d+) ready/);
    const healed = Math.round(performance.now() - killedAt);
    const after = await load(nginx.port, { total: 200, concurrency: 4 });
    console.log(`workers: a worker killed with SIGKILL was replaced and ready in ${healed} ms`);
    expect(after.failures).toEqual([]);
    expect(new Set(after.byPid.keys())).toEqual(new Set([Number(two), Number(replacement)]));
    command.child.kill("SIGTERM");
    expect((await command.exited).code).toBe(0);
  });

  it("starts on the socket a process killed with SIGKILL left behind", async () => {
    const directory = scratch();
    const path = join(directory, "app.sock");
    const hooks = join(directory, "hooks");
    const killed = await serve(["--listen", `unix:${path}`], hooks);
    killed.child.kill("SIGKILL");
    await killed.exited;
    expect(statSync(path).isSocket()).toBe(true);
    const restarted = await serve(["--listen", `unix:${path}`], hooks);
    const nginx = await nginxWithUpstream([`unix:${path}`]);
    expect(await getPid(new http.Agent(), nginx.port, "/")).toBe(restarted.child.pid);
  });

  it("applies --socket-mode before nginx's workers connect: 600 keeps them out, 666 lets them in", async () => {
    const directory = scratch();
    const hooks = join(directory, "hooks");
    const [closed, open] = [join(directory, "closed.sock"), join(directory, "open.sock")];
    await serve(["--listen", `unix:${closed}`, "--socket-mode", "600"], hooks);
    await serve(["--listen", `unix:${open}`, "--socket-mode", "666"], hooks);
    expect(statSync(closed).mode & 0o777).toBe(0o600);
    expect(statSync(open).mode & 0o777).toBe(0o666);
    // nginx runs as root here and its workers as nobody: only the open socket lets them in.
    const refused = await nginxWithUpstream([`unix:${closed}`]);
    await expect(getPid(new http.Agent(), refused.port, "/")).rejects.toThrow(/^502/);
    const admitted = await nginxWithUpstream([`unix:${open}`]);
    expect(await getPid(new http.Agent(), admitted.port, "/")).toBeGreaterThan(0);
  });

  it("serves on fd 3 under systemd socket activation", async () => {
    const port = await freePort();
    const hooks = join(scratch(), "hooks");
    const activator = reap(await socketActivated(port, hooks, ["--listen", "fd:3"]));
    const nginx = await nginxWithUpstream([`127.0.0.1:${port}`]);
    // The first request starts the command (socket activation waits for a connection).
    expect((await load(nginx.port, { total: 50, concurrency: 5 })).failures).toEqual([]);
    expect(activator.output()).toContain("sioscgi: listening on fd:3\n");
    activator.child.kill("SIGTERM");
    expect((await activator.exited).code).toBe(0);
    expect(hookLines(hooks).map((line) => line.split(" ")[0])).toEqual(["startup", "shutdown"]);
  });

  it("runs onStartup before the first request and onShutdown after the last, and exits 0", async () => {
    const hooks = join(scratch(), "hooks");
    const command = await serve(["--listen", "127.0.0.1:0"], hooks);
    const pid = command.child.pid as number;
    const [, port] = (await command.waitFor(/listening on 127\.0\.0\.1:(\d+)/)) as string[];
    const nginx = await nginxWithUpstream([`127.0.0.1:${port}`]);
    expect(hookLines(hooks)).toEqual([`startup ${pid}`]);
    expect(await getPid(new http.Agent(), nginx.port, "/")).toBe(pid);
    const [idleExit, status] = await timeToExit(command, "SIGTERM");
    console.log(`shutdown: SIGTERM to exit ${idleExit} ms with no request in flight`);
    expect(status).toBe(0);
    expect(hookLines(hooks)).toEqual([`startup ${pid}`, `shutdown ${pid}`]);
    await expect(getPid(new http.Agent(), nginx.port, "/")).rejects.toThrow(/^502/);
  });
});
