/** The listen addresses the command takes: parsing, printing, and systemd's LISTEN_FDS. */

import { describe, expect, it } from "vitest";
import {
  formatListenAddress,
  inheritedListeners,
  type ListenAddress,
  parseListenAddress,
  UsageError,
} from "../../src/ops/addresses.js";

describe("parseListenAddress", () => {
  it.each<[string, ListenAddress]>([
    ["127.0.0.1:4000", { kind: "tcp", host: "127.0.0.1", port: 4000 }],
    ["localhost:0", { kind: "tcp", host: "localhost", port: 0 }],
    [":8080", { kind: "tcp", host: undefined, port: 8080 }],
    ["[::1]:65535", { kind: "tcp", host: "::1", port: 65535 }],
    ["unix:/run/app.sock", { kind: "unix", path: "/run/app.sock" }],
    ["unix:relative.sock", { kind: "unix", path: "relative.sock" }],
    ["fd:3", { kind: "fd", fd: 3 }],
    ["fd:12", { kind: "fd", fd: 12 }],
  ])("reads %s", (text, address) => {
    expect(parseListenAddress(text)).toEqual(address);
    expect(formatListenAddress(address)).toBe(text);
  });

  it.each([
    ["4000", "is not a listen address"],
    ["127.0.0.1", "is not a listen address"],
    ["127.0.0.1:", "is not a listen address"],
    ["127.0.0.1:65536", "port 0 to 65535"],
    ["127.0.0.1:40a0", "is not a listen address"],
    ["127.0.0.1:-1", "is not a listen address"],
    ["::1:4000", "write an IPv6 address in brackets"],
    ["unix:", "names no socket path"],
    ["unix:/tmp/a\0b", "names no socket path"],
    ["fd:", "fd:N takes a number from 3 up"],
    ["fd:2", "fd:N takes a number from 3 up"],
    ["fd:x", "fd:N takes a number from 3 up"],
  ])("rejects %j with a usage error", (text, message) => {
    expect(() => parseListenAddress(text)).toThrow(UsageError);
    expect(() => parseListenAddress(text)).toThrow(message);
  });
});

describe("inheritedListeners", () => {
  it("lists the sockets systemd passed to this process, from fd 3 up", () => {
    expect(inheritedListeners({ LISTEN_FDS: "2", LISTEN_PID: "42" }, 42)).toEqual([
      { kind: "fd", fd: 3 },
      { kind: "fd", fd: 4 },
    ]);
  });

  it.each([
    ["no LISTEN_FDS", {}],
    ["LISTEN_PID of another process", { LISTEN_FDS: "1", LISTEN_PID: "41" }],
    ["no LISTEN_PID", { LISTEN_FDS: "1" }],
  ])("ignores the variables with %s", (_, environment) => {
    expect(inheritedListeners(environment, 42)).toEqual([]);
  });

  it("rejects a LISTEN_FDS that is not a count", () => {
    expect(() => inheritedListeners({ LISTEN_FDS: "two", LISTEN_PID: "42" }, 42)).toThrow(UsageError);
  });
});
