/**
 * The built command (dist/cli.js) as a process, as users and systemd run it: through its
 * shebang, with real signals, under socket activation, with systemd-notify, and on Unix
 * sockets left behind by a process killed with SIGKILL.
 */

import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CLI,
  cleanUpAfterEach,
  fixture,
  type RunningCommand,
  runCommandProcess,
  scgiGet,
  socketActivated,
  startServing,
  targetOf,
} from "./support/command.js";
import { fakeSystemdNotify } from "./support/fake-systemd-notify.js";
import { freePortForTest } from "./support/free-port.js";

const cleanup = cleanUpAfterEach();
const scratch = (): string => cleanup.directory();
const reap = (command: RunningCommand): RunningCommand => cleanup.reap(command);

/** The hook calls the fixture app recorded in `file`. */
function hookCalls(file: string): string[] {
  return readFileSync(file, "utf8").trim().split("\n");
}

describe("sioscgi", () => {
  it("runs through its shebang, as the package's bin", async () => {
    const command = runCommandProcess(["--help"], { command: [CLI] });
    expect(await command.exited).toEqual({ code: 0, signal: null });
    expect(command.output()).toMatch(/^Usage: sioscgi serve <module> \[options\]/);
  });

  it("exits 2 with a message on stderr for a usage error", async () => {
    const command = runCommandProcess(["serve", fixture("app.mjs"), "--workers", "none"]);
    expect(await command.exited).toEqual({ code: 2, signal: null });
    expect(command.output()).toBe(
      'sioscgi: --workers takes a whole number from 1 up, not "none"\nRun sioscgi --help for the options.\n',
    );
  });

  it("stops on SIGTERM with no request in flight: onShutdown runs, the status is 0", async () => {
    const hooks = join(scratch(), "hooks");
    const { command, listening } = await startServing([fixture("app.mjs"), "--listen", "127.0.0.1:0"], {
      SIOSCGI_TEST_HOOKS: hooks,
    });
    reap(command);
    expect((await scgiGet(targetOf(listening), "/")).body).toBe(`pid ${command.child.pid}\n`);
    command.child.kill("SIGTERM");
    expect(await command.exited).toEqual({ code: 0, signal: null });
    expect(hookCalls(hooks)).toEqual([`startup ${command.child.pid}`, `shutdown ${command.child.pid}`]);
    expect(command.output()).toContain("sioscgi: stopped\n");
  });

  it("finishes a request in flight on SIGTERM before it exits 0", async () => {
    const hooks = join(scratch(), "hooks");
    const { command, listening } = await startServing([fixture("app.mjs"), "--listen", "127.0.0.1:0"], {
      SIOSCGI_TEST_HOOKS: hooks,
    });
    reap(command);
    const answer = scgiGet(targetOf(listening), "/slow?ms=1500");
    while (!readFileSync(hooks, "utf8").includes("slow request started")) await new Promise((r) => setTimeout(r, 10));
    command.child.kill("SIGTERM");
    expect(await answer).toMatchObject({ status: 200, body: `pid ${command.child.pid}\n`, error: undefined });
    expect(await command.exited).toEqual({ code: 0, signal: null });
    expect(hookCalls(hooks).at(-1)).toBe(`shutdown ${command.child.pid}`);
  });

  it("ends at once on a second signal: the request in flight is reset, the status is 128 + 2", async () => {
    const hooks = join(scratch(), "hooks");
    const { command, listening } = await startServing([fixture("app.mjs"), "--listen", "127.0.0.1:0"], {
      SIOSCGI_TEST_HOOKS: hooks,
    });
    reap(command);
    const answer = scgiGet(targetOf(listening), "/slow?ms=60000");
    while (!readFileSync(hooks, "utf8").includes("slow request started")) await new Promise((r) => setTimeout(r, 10));
    command.child.kill("SIGINT");
    await command.waitFor(/draining/);
    command.child.kill("SIGINT");
    expect(await command.exited).toEqual({ code: 130, signal: null });
    expect((await answer).error).toMatchObject({ code: "ECONNRESET" });
  });

  it("tells systemd READY=1 once it listens and STOPPING=1 on SIGTERM, through systemd-notify", async () => {
    const fake = fakeSystemdNotify();
    cleanup.add(() => fake.remove());
    const { command } = await startServing([fixture("app.mjs"), "--listen", "127.0.0.1:0"], fake.env);
    reap(command);
    const pid = command.child.pid;
    while (fake.calls().length < 1) await new Promise((r) => setTimeout(r, 10));
    expect(fake.calls()).toEqual([`--pid=${pid} READY=1`]);
    command.child.kill("SIGTERM");
    expect(await command.exited).toEqual({ code: 0, signal: null });
    expect(fake.calls()).toEqual([`--pid=${pid} READY=1`, `--pid=${pid} STOPPING=1`]);
  });

  it("serves an Express app through sioscgi/http with --api node", async () => {
    const { command, listening } = await startServing([
      fixture("express-app.mjs"),
      "--api",
      "node",
      "--listen",
      "127.0.0.1:0",
    ]);
    reap(command);
    const answer = await scgiGet(targetOf(listening), "/users/42");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: "42", method: "GET", pid: command.child.pid });
    command.child.kill("SIGTERM");
    expect(await command.exited).toEqual({ code: 0, signal: null });
  });

  describe("on a Unix socket", () => {
    it("creates the socket with --socket-mode before any connection, and removes it on exit", async () => {
      const path = join(scratch(), "app.sock");
      const { command } = await startServing([fixture("app.mjs"), "--listen", `unix:${path}`, "--socket-mode", "660"]);
      reap(command);
      expect(statSync(path).mode & 0o777).toBe(0o660);
      command.child.kill("SIGTERM");
      expect(await command.exited).toEqual({ code: 0, signal: null });
      expect(() => statSync(path)).toThrow();
    });

    it("creates it readable and writable by all by default", async () => {
      const path = join(scratch(), "app.sock");
      const { command } = await startServing([fixture("app.mjs"), "--listen", `unix:${path}`]);
      reap(command);
      expect(statSync(path).mode & 0o777).toBe(0o666);
      command.child.kill("SIGTERM");
      await command.exited;
    });

    it("replaces the socket a process killed with SIGKILL left, but refuses one a live server holds", async () => {
      const path = join(scratch(), "app.sock");
      const first = reap((await startServing([fixture("app.mjs"), "--listen", `unix:${path}`])).command);
      const second = runCommandProcess(["serve", fixture("app.mjs"), "--listen", `unix:${path}`]);
      expect(await second.exited).toEqual({ code: 1, signal: null });
      expect(second.output()).toBe(`sioscgi: unix:${path} is in use: another server listens on it\n`);

      first.child.kill("SIGKILL");
      await first.exited;
      expect(statSync(path).isSocket()).toBe(true);
      const third = reap((await startServing([fixture("app.mjs"), "--listen", `unix:${path}`])).command);
      expect((await scgiGet(path, "/")).body).toBe(`pid ${third.child.pid}\n`);
      third.child.kill("SIGTERM");
      expect(await third.exited).toEqual({ code: 0, signal: null });
    });
  });

  describe("under systemd socket activation", () => {
    it.each([
      ["the sockets LISTEN_FDS names, with no --listen", [] as string[]],
      ["--listen fd:3", ["--listen", "fd:3"]],
      ["them with --workers 2 (the supervisor holds the socket)", ["--workers", "2"]],
    ])("serves on %s", async (_, flags) => {
      const port = await freePortForTest();
      const hooks = join(scratch(), "hooks");
      const activator = reap(await socketActivated(port, hooks, flags));
      const answer = await scgiGet(port, "/");
      expect(answer.status).toBe(200);
      expect(activator.output()).toContain("sioscgi: listening on fd:3\n");
      activator.child.kill("SIGTERM");
      expect(await activator.exited).toEqual({ code: 0, signal: null });
      // One startup and one shutdown per serving process.
      const calls = hookCalls(hooks).map((line) => line.split(" ")[0]);
      expect(calls.filter((call) => call === "startup").length).toBe(calls.length / 2);
      expect(calls.at(-1)).toBe("shutdown");
    });
  });

  describe("--workers", () => {
    it("drains every worker on SIGTERM to the supervisor, the request in flight included", async () => {
      const hooks = join(scratch(), "hooks");
      const command = reap(
        runCommandProcess(["serve", fixture("app.mjs"), "--workers", "2", "--listen", "127.0.0.1:0"], {
          env: { SIOSCGI_TEST_HOOKS: hooks },
        }),
      );
      const [, listening = ""] = await command.waitFor(/listening on (\S+)/);
      await command.waitFor(/2 workers ready/);
      const answer = scgiGet(targetOf(listening), "/slow?ms=1500");
      while (!readFileSync(hooks, "utf8").includes("slow request started")) await new Promise((r) => setTimeout(r, 10));
      command.child.kill("SIGTERM");
      expect((await answer).status).toBe(200);
      expect(await command.exited).toEqual({ code: 0, signal: null });
      const calls = hookCalls(hooks);
      expect(calls.filter((line) => line.startsWith("startup"))).toHaveLength(2);
      expect(calls.filter((line) => line.startsWith("shutdown"))).toHaveLength(2);
    });
  });
});
