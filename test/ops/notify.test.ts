/** Telling systemd READY=1 and STOPPING=1 through `systemd-notify`, here a fake on the PATH. */

import { afterEach, expect, it } from "vitest";
import { notifySystemd } from "../../src/ops/notify.js";
import { type FakeNotify, fakeSystemdNotify } from "../support/fake-systemd-notify.js";

let fake: FakeNotify | undefined;
afterEach(() => fake?.remove());

it("runs systemd-notify with this process's id when NOTIFY_SOCKET is set", async () => {
  fake = fakeSystemdNotify();
  await notifySystemd("READY=1", { ...process.env, ...fake.env });
  await notifySystemd("STOPPING=1", { ...process.env, ...fake.env });
  expect(fake.calls()).toEqual([`--pid=${process.pid} READY=1`, `--pid=${process.pid} STOPPING=1`]);
});

it("does nothing without NOTIFY_SOCKET", async () => {
  fake = fakeSystemdNotify();
  await notifySystemd("READY=1", { PATH: fake.env.PATH });
  expect(fake.calls()).toEqual([]);
});

it("carries on when systemd-notify is not installed", async () => {
  await expect(
    notifySystemd("READY=1", { NOTIFY_SOCKET: "/run/notify", PATH: "/nonexistent" }),
  ).resolves.toBeUndefined();
});
