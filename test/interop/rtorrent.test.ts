/**
 * rTorrent as the SCGI server: XML-RPC calls with this library's client over node:net,
 * against a headless rTorrent on loopback. rTorrent insists on CONTENT_LENGTH first and a
 * non-empty body, and closes the connection without a byte otherwise; it answers
 * `Status: 200 OK`, `Content-Type: text/xml` and a Content-Length, faults included.
 */

import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCGIClientReader } from "../../src/index.js";
import { feedEvents } from "../support/feed.js";
import { latin1, scgiRequest } from "../support/scgi.js";
import { program, type ServerProcess } from "./harness.js";
import { callSCGI } from "./scgi-client.js";
import { startRtorrent } from "./servers/rtorrent.js";

/** An XML-RPC call without parameters. */
const methodCall = (method: string): Uint8Array =>
  latin1(`<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params></params></methodCall>`);

/** The version the installed rTorrent reports in its help text ("... client version 0.9.8."). */
function installedVersion(): string {
  const help = (() => {
    try {
      return execFileSync(program("rtorrent"), ["-h"], { stdio: ["ignore", "pipe", "pipe"] }).toString();
    } catch (error) {
      // rtorrent -h exits with a non-zero status after printing its help.
      return String((error as { stdout?: Buffer }).stdout ?? "");
    }
  })();
  const match = /client version ([0-9.]+[0-9])/.exec(help);
  if (match === null) throw new Error(`no version in rtorrent -h: ${help.slice(0, 200)}`);
  return match[1] as string;
}

/** One of a process's internet sockets, from /proc (Linux). */
interface InternetSocket {
  readonly protocol: string;
  readonly loopback: boolean;
  readonly port: number;
  readonly state: string;
}

/**
 * The TCP and UDP sockets process `pid` holds: its socket inodes, looked up in the
 * kernel's tables, with whether each is bound to a loopback address.
 */
function socketsOf(pid: number): InternetSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    const target = (() => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        return "";
      }
    })();
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match !== null) inodes.add(match[1] as string);
  }
  const sockets: InternetSocket[] = [];
  for (const protocol of ["tcp", "tcp6", "udp", "udp6"]) {
    for (const line of readFileSync(`/proc/${pid}/net/${protocol}`, "utf8").trim().split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [local = "", state = "", inode = ""] = [fields[1], fields[3], fields[9]];
      if (!inodes.has(inode)) continue;
      const [address = "", port = "0"] = local.split(":");
      // 127.0.0.0/8 as the kernel prints it (little-endian hex), alone or mapped into IPv6; or ::1.
      const loopback =
        /7F$/i.test(address) && (address.length === 8 || /^0{16}FFFF0000/i.test(address))
          ? true
          : address === "00000000000000000000000001000000";
      sockets.push({ protocol, loopback, port: Number.parseInt(port, 16), state: state === "0A" ? "LISTEN" : state });
    }
  }
  return sockets;
}

describe("sioscgi's client against rTorrent's XML-RPC interface", () => {
  let rtorrent: ServerProcess;

  beforeAll(async () => {
    rtorrent = await startRtorrent();
  });

  afterAll(async () => {
    await rtorrent?.stop();
  });

  it("runs on loopback only: its one socket is the SCGI port on 127.0.0.1, no peer port, no DHT", () => {
    const sockets = socketsOf(rtorrent.pid as number);
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets) expect(socket, JSON.stringify(socket)).toMatchObject({ loopback: true });
    expect(sockets.filter((socket) => socket.state === "LISTEN").map((socket) => socket.port)).toEqual([rtorrent.port]);
    expect(sockets.some((socket) => socket.protocol.startsWith("udp"))).toBe(false);
  });

  const call = async (method: string) => {
    const body = methodCall(method);
    const result = await callSCGI(
      rtorrent.port,
      { CONTENT_LENGTH: String(body.length), REQUEST_METHOD: "POST", REQUEST_URI: "/RPC2", CONTENT_TYPE: "text/xml" },
      body,
    );
    expect(result.error).toBeUndefined();
    expect(result.socketError).toBeUndefined();
    expect(result.complete).toBe(true);
    expect(result.headers?.status).toBe("200 OK");
    expect(result.headers?.contentType).toBe("text/xml");
    expect(result.headers?.otherHeaders).toEqual([["Content-Length", String(result.body.length)]]);
    return result.body.toString();
  };

  it("system.client_version: the installed version, as an XML-RPC string", async () => {
    const xml = await call("system.client_version");
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r?\n<methodResponse>/);
    expect(xml).toContain(`<param><value><string>${installedVersion()}</string></value></param>`);
  });

  it("system.listMethods: an array of every method, these two among them", async () => {
    const xml = await call("system.listMethods");
    const methods = [...xml.matchAll(/<value><string>([^<]+)<\/string><\/value>/g)].map(([, name]) => name);
    expect(xml).toContain("<array><data>");
    expect(methods).toContain("system.client_version");
    expect(methods).toContain("system.listMethods");
    expect(methods.length).toBeGreaterThan(500);
    expect(new Set(methods).size).toBe(methods.length);
  });

  it("an unknown method: an XML-RPC fault, still 200 OK", async () => {
    const xml = await call("no.such.method");
    expect(xml).toContain("<fault>");
    expect(xml).toContain("<value><i4>-506</i4></value>");
  });

  it("the README's example prints the status and the version", async () => {
    const example = spawn(process.execPath, ["examples/rtorrent-xmlrpc.mjs"], {
      env: { ...process.env, PORT: String(rtorrent.port) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    example.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = await once(example, "exit");
    expect(code).toBe(0);
    expect(output).toBe(`200 ${installedVersion()}\n`);
  });

  describe("why the client writes what it writes", () => {
    /** Sends raw bytes and reads what rTorrent answers, through the client's reader. */
    const raw = async (request: Uint8Array) => {
      const socket = net.connect(rtorrent.port, "127.0.0.1");
      await once(socket, "connect");
      socket.end(request);
      const chunks: Buffer[] = [];
      for await (const chunk of socket) chunks.push(chunk as Buffer);
      return feedEvents(new SCGIClientReader(), chunks);
    };

    it("CONTENT_LENGTH after SCGI, which the SCGI specification forbids: rTorrent closes without a byte", async () => {
      const body = methodCall("system.client_version");
      const outcome = await raw(
        scgiRequest(
          [
            ["SCGI", "1"],
            ["CONTENT_LENGTH", String(body.length)],
          ],
          body,
        ),
      );
      expect(outcome.error?.message).toBe("Connection closed without sending a response");
      // The same call with CONTENT_LENGTH first, as the client always sends it, is answered.
      const answered = await raw(
        scgiRequest(
          [
            ["CONTENT_LENGTH", String(body.length)],
            ["SCGI", "1"],
          ],
          body,
        ),
      );
      expect(answered.error).toBeUndefined();
      expect(answered.headers?.status).toBe("200 OK");
    });

    it("an empty body: rTorrent closes without a byte", async () => {
      const result = await callSCGI(rtorrent.port, { CONTENT_LENGTH: "0", REQUEST_METHOD: "POST" });
      expect([result.received, result.error?.message]).toEqual([0, "Connection closed without sending a response"]);
    });
  });
});
