/**
 * A small bounded HTTP load loop for the operations tests: a fixed number of GET requests
 * through a web server at a fixed concurrency, each one checked, with a hook after each
 * answer so that a test can restart a process part-way through.
 */

import http from "node:http";

/** One request's outcome. */
export interface Outcome {
  readonly index: number;
  /** The process id the app answered with, or the failure. */
  readonly pid?: number;
  readonly failure?: string;
}

/** What a run gave. */
export interface LoadResult {
  readonly outcomes: readonly Outcome[];
  readonly failures: readonly Outcome[];
  /** How many requests each process answered. */
  readonly byPid: ReadonlyMap<number, number>;
}

/** Sends one GET and resolves with the pid the app answered with, or throws. */
export function getPid(agent: http.Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: "127.0.0.1", port, path, agent }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        body += chunk;
      });
      response.on("end", () => {
        const match = /^pid (\d+)\n$/.exec(body);
        if (response.statusCode === 200 && match !== null) resolve(Number(match[1]));
        else reject(new Error(`${response.statusCode}: ${JSON.stringify(body.slice(0, 200))}`));
      });
      response.on("error", reject);
    });
    request.on("error", reject);
  });
}

/**
 * Sends `total` GETs for `path` to the web server on `port`, `concurrency` at a time over
 * kept-alive connections, and calls `afterEach(done)` after each answer or failure.
 */
export async function load(
  port: number,
  options: { total: number; concurrency: number; path?: string; afterEach?: (done: number) => void },
): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.total) {
      const index = next++;
      try {
        outcomes.push({ index, pid: await getPid(agent, port, options.path ?? "/") });
      } catch (error) {
        outcomes.push({ index, failure: error instanceof Error ? error.message : String(error) });
      }
      options.afterEach?.(outcomes.length);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  agent.destroy();
  const byPid = new Map<number, number>();
  for (const { pid } of outcomes) if (pid !== undefined) byPid.set(pid, (byPid.get(pid) ?? 0) + 1);
  return { outcomes, failures: outcomes.filter((outcome) => outcome.failure !== undefined), byPid };
}
