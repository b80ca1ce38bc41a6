/**
 * Telling systemd how the service is doing (`Type=notify` units): `READY=1` once it
 * listens, `STOPPING=1` when it starts to shut down.
 *
 * Node's `dgram` has no Unix datagram sockets, and a native module would be a dependency,
 * so this runs systemd's own `systemd-notify` when it is on the PATH. The message then comes
 * from that short-lived process, not from the service's main one, so the unit needs
 * `NotifyAccess=all`; `--pid` names the process the message is about.
 *
 * @module
 */

import { execFile } from "node:child_process";

/** A state `systemd-notify` reports. */
export type NotifyState = "READY=1" | "STOPPING=1";

/**
 * Reports `state` to systemd if this process runs under it with notification
 * (`NOTIFY_SOCKET` is set), and resolves once `systemd-notify` has run. Does nothing
 * otherwise; never fails: a missing `systemd-notify` or one that fails is not the
 * service's concern (systemd will time the start out and say so).
 *
 * @param state - What to report.
 * @param environment - Where to find `NOTIFY_SOCKET` and `PATH`.
 */
export function notifySystemd(
  state: NotifyState,
  environment: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  if (environment.NOTIFY_SOCKET === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    execFile("systemd-notify", [`--pid=${process.pid}`, state], { env: environment }, () => resolve());
  });
}
