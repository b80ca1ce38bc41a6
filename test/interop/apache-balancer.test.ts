/**
 * Two processes of the `sioscgi` command as the members of an Apache `mod_proxy_balancer`
 * group: both answer, and one stopped with SIGTERM under load, then started again, loses
 * no request.
 */

import { join } from "node:path";
import { expect, it } from "vitest";
import { cleanUpAfterEach, fixture, type RunningCommand, startServing } from "../support/command.js";
import { startApacheBalancer } from "./frontends/apache.js";
import { load } from "./load.js";

const cleanup = cleanUpAfterEach();

async function serve(path: string): Promise<RunningCommand> {
  const { command } = await startServing([fixture("app.mjs"), "--listen", `unix:${path}`]);
  return cleanup.reap(command);
}

it("balances over two processes, and loses no request while one restarts", async () => {
  const directory = cleanup.directory();
  const [a, b] = [join(directory, "a.sock"), join(directory, "b.sock")];
  const first = await serve(a);
  const second = await serve(b);
  const apache = await startApacheBalancer([a, b]);
  cleanup.add(() => apache.stop());

  const warmUp = await load(apache.port, { total: 100, concurrency: 4 });
  expect(warmUp.failures).toEqual([]);
  expect(new Set(warmUp.byPid.keys())).toEqual(new Set([first.child.pid, second.child.pid]));

  let done = 0;
  let restarted: Promise<RunningCommand> | undefined;
  const result = await load(apache.port, {
    total: 600,
    concurrency: 10,
    path: "/?ms=20",
    afterEach: (count) => {
      done = count;
      if (done === 150) {
        first.child.kill("SIGTERM");
        restarted = first.exited.then(() => serve(a));
      }
    },
  });
  const again = await (restarted as Promise<RunningCommand>);
  console.log(`Apache balancer: ${result.outcomes.length} requests, ${result.failures.length} lost across a restart`);
  expect(result.failures, JSON.stringify(result.failures)).toEqual([]);
  expect((await first.exited).code).toBe(0);
  const after = await load(apache.port, { total: 100, concurrency: 4 });
  expect(after.failures).toEqual([]);
  expect(new Set(after.byPid.keys())).toEqual(new Set([again.child.pid, second.child.pid]));
  expect(done).toBe(600);
});
