/**
 * npm run demo as a newcomer runs it: the example app and nginx start, a browser-style
 * request through nginx gets the page as soon as the demo says where to open it, and
 * Ctrl-C stops both, leaving no process behind.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { chmodSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { freePort, program, scratchDirectory } from "./harness.js";

/** Starts scripts/demo.mjs with `env` added, and resolves once it says where to open it (or fails after 10 s). */
async function startDemo(env: Record<string, string>): Promise<{ demo: ChildProcess; url: string }> {
  const [scgiPort, httpPort] = [await freePort(), await freePort()];
  const demo = spawn(process.execPath, ["scripts/demo.mjs"], {
    env: { ...process.env, SCGI_PORT: String(scgiPort), HTTP_PORT: String(httpPort), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  demo.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  demo.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${httpPort}/`;
  for (let waited = 0; !output.includes(`Open ${url}`) && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (!output.includes(`Open ${url}`)) demo.kill("SIGINT");
  expect(output).toContain(`Open ${url}`);
  return { demo, url };
}

/** Ctrl-C: the demo exits with 0 and nginx no longer answers. */
async function stopDemo(demo: ChildProcess, url: string): Promise<void> {
  demo.kill("SIGINT");
  const [code] = await once(demo, "exit");
  expect(code).toBe(0);
  await expect(fetch(url)).rejects.toThrow();
}

it("serves the example app through nginx and stops everything on Ctrl-C", async () => {
  const { demo, url } = await startDemo({});
  try {
    const response = await fetch(`${url}form?x=1`, { method: "POST", body: "message=hello" });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("POST <code>/form?x=1</code>");
    expect(page).toContain("You posted: <code>message=hello</code>");
    await stopDemo(demo, url);
  } finally {
    demo.kill("SIGINT"); // after a failure too: the demo stops its nginx
  }
});

it("says nginx is listening only once it accepts connections, however slowly it starts", async () => {
  // The real nginx, started a second late by a wrapper found first on PATH.
  const directory = scratchDirectory("slow-nginx");
  try {
    const wrapper = join(directory, "nginx");
    writeFileSync(wrapper, `#!/bin/sh\nsleep 1\nexec ${program("nginx")} "$@"\n`);
    chmodSync(wrapper, 0o755);
    const { demo, url } = await startDemo({ PATH: `${directory}:${process.env.PATH ?? ""}` });
    try {
      const response = await fetch(url); // at once: no retry
      expect(response.status).toBe(200);
      await stopDemo(demo, url);
    } finally {
      demo.kill("SIGINT"); // after a failure too: the demo stops its nginx
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
