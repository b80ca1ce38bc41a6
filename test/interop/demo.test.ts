/**
 * npm run demo as a newcomer runs it: the example app and nginx start, a browser-style
 * request through nginx gets the page, and Ctrl-C stops both, leaving no process behind.
 */

import { spawn } from "node:child_process";
import { once } from "node:events";
import { expect, it } from "vitest";
import { freePort } from "./harness.js";

it("serves the example app through nginx and stops everything on Ctrl-C", async () => {
  const [scgiPort, httpPort] = [await freePort(), await freePort()];
  const demo = spawn(process.execPath, ["scripts/demo.mjs"], {
    env: { ...process.env, SCGI_PORT: String(scgiPort), HTTP_PORT: String(httpPort) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  demo.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  demo.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${httpPort}/`;
  for (let waited = 0; !output.includes(`Open ${url}`) && waited < 10_000; waited += 50) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(output).toContain(`Open ${url}`);

  let response: Response | undefined;
  for (let attempt = 0; attempt < 100 && response === undefined; attempt++) {
    response = await fetch(`${url}form?x=1`, { method: "POST", body: "message=hello" }).catch(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return undefined;
    });
  }
  expect(response?.status).toBe(200);
  const page = await response?.text();
  expect(page).toContain("POST <code>/form?x=1</code>");
  expect(page).toContain("You posted: <code>message=hello</code>");

  demo.kill("SIGINT");
  const [code] = await once(demo, "exit");
  expect(code).toBe(0);
  await expect(fetch(url)).rejects.toThrow();
});
