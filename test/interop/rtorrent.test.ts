/**
 * rTorrent as the SCGI server: XML-RPC calls with this library's one-call client,
 * `scgiRequest`, against a headless rTorrent over TCP on loopback and over a Unix socket.
 * rTorrent insists on CONTENT_LENGTH first and a non-empty body, and closes the connection
 * without a byte otherwise; it answers `Status: 200 OK`, `Content-Type: text/xml` and a
 * Content-Length, faults included. Its limits, measured here: a body over
 * `network.xmlrpc.size_limit` (512 KiB by default) gets an XML-RPC fault, and a
 * CONTENT_LENGTH over 2 MiB gets no answer at all, the connection dropped mid-request.
 */

import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { once } from "node:events";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IncompleteResponseError, SCGIClientReader } from "../../src/index.js";
import {
  ConnectionClosedError,
  ConnectionResetError,
  scgiRequest as call,
  type TransportError,
} from "../../src/node.js";
import { feedEvents } from "../support/feed.js";
import { latin1, scgiRequest } from "../support/scgi.js";
import { program, type ServerProcess } from "./harness.js";
import { startRtorrent } from "./servers/rtorrent.js";

/** An XML-RPC call, its parameters (strings, or bytes as base64) in order. */
const methodCall = (method: string, ...params: (string | Uint8Array)[]): string =>
  `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params
    .map(
      (param) =>
        `<param><value>${typeof param === "string" ? `<string>${param}</string>` : `<base64>${Buffer.from(param).toString("base64")}</base64>`}</value></param>`,
    )
    .join("")}</params></methodCall>`;

/** rTorrent's hard limit on a request's CONTENT_LENGTH: over it, the connection is dropped unanswered. */
const RTORRENT_BODY_LIMIT = 2 * 1024 * 1024;

/** A bencoded string. */
const bencoded = (text: string | Buffer): Buffer => {
  const bytes = typeof text === "string" ? Buffer.from(text) : text;
  return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
};

/** A one-file torrent for rTorrent to list, and its info hash as rTorrent shows it. */
function torrent(name: string, content: string): { file: Buffer; hash: string; size: number } {
  const size = Buffer.byteLength(content);
  const pieces = createHash("sha1").update(content).digest();
  const info = Buffer.concat([
    Buffer.from(`d6:lengthi${size}e4:name`),
    bencoded(name),
    Buffer.from("12:piece lengthi16384e6:pieces"),
    bencoded(pieces),
    Buffer.from("e"),
  ]);
  // rTorrent refuses a torrent without an announce URL; it never contacts this one (nothing is started).
  const file = Buffer.concat([
    Buffer.from("d8:announce"),
    bencoded("http://127.0.0.1:9/announce"),
    Buffer.from("4:info"),
    info,
    Buffer.from("e"),
  ]);
  return { file, hash: createHash("sha1").update(info).digest("hex").toUpperCase(), size };
}

/** Runs an example with SCGI_TARGET set and returns what it printed. */
async function runExample(path: string, target: string): Promise<string> {
  const example = spawn(process.execPath, [path], {
    env: { ...process.env, SCGI_TARGET: target },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  example.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const [code] = await once(example, "exit");
  expect(code).toBe(0);
  return output;
}

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

describe.each([
  ["TCP on loopback", "tcp"],
  ["a Unix socket", "unix"],
] as const)("sioscgi's client against rTorrent's XML-RPC interface over %s", (_, transport) => {
  let rtorrent: ServerProcess;

  beforeAll(async () => {
    rtorrent = await startRtorrent(transport);
  });

  afterAll(async () => {
    await rtorrent?.stop();
  });

  it("runs on loopback only: its one socket is the SCGI port (or none), no peer port, no DHT", () => {
    const sockets = socketsOf(rtorrent.pid as number);
    for (const socket of sockets) expect(socket, JSON.stringify(socket)).toMatchObject({ loopback: true });
    const listening = sockets.filter((socket) => socket.state === "LISTEN").map((socket) => socket.port);
    expect(listening).toEqual(transport === "tcp" ? [rtorrent.port] : []);
    expect(sockets.some((socket) => socket.protocol.startsWith("udp"))).toBe(false);
  });

  /** Calls a method with `body` as scgiRequest sends it; checks the answer's head and returns its XML. */
  const rpc = async (body: string | Uint8Array): Promise<string> => {
    const response = await call(rtorrent.target, {
      environment: { REQUEST_URI: "/RPC2", CONTENT_TYPE: "text/xml" },
      body,
      timeout: 30_000,
    });
    expect([response.status, response.statusText]).toEqual([200, "OK"]);
    expect(response.headers.get("content-type")).toBe("text/xml");
    const xml = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-length")).toBe(String(xml.length));
    return new TextDecoder().decode(xml);
  };

  it("a string body: system.client_version answers the installed version", async () => {
    const xml = await rpc(methodCall("system.client_version"));
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\r?\n<methodResponse>/);
    expect(xml).toContain(`<param><value><string>${installedVersion()}</string></value></param>`);
  });

  it("a byte body: system.listMethods answers an array of every method", async () => {
    const xml = await rpc(latin1(methodCall("system.listMethods")));
    const methods = [...xml.matchAll(/<value><string>([^<]+)<\/string><\/value>/g)].map(([, name]) => name);
    expect(xml).toContain("<array><data>");
    expect(methods).toContain("system.client_version");
    expect(methods).toContain("cat");
    expect(methods.length).toBeGreaterThan(500);
    expect(new Set(methods).size).toBe(methods.length);
  });

  it("a multi-byte UTF-8 body: cat echoes the text back whole", async () => {
    // rTorrent's XML-RPC library takes the Basic Multilingual Plane only (no 𝄞).
    const text = "Zoë ☃ 日本語 ünïcødé";
    expect(new TextEncoder().encode(text).length).toBeGreaterThan(text.length);
    expect(await rpc(methodCall("cat", "", text))).toContain(`<value><string>${text}</string></value>`);
  });

  it("an unknown method: an XML-RPC fault, still 200 OK", async () => {
    const xml = await rpc(methodCall("no.such.method"));
    expect(xml).toContain("<fault>");
    expect(xml).toContain("<value><i4>-506</i4></value>");
  });

  it("a body at rTorrent's 2 MiB limit is answered (with a fault: over network.xmlrpc.size_limit)", async () => {
    const body = new Uint8Array(RTORRENT_BODY_LIMIT).fill(0x20);
    expect(await rpc(body)).toMatch(/<fault>.*XML-RPC request too large/s);
  });

  it("a body one byte over it: the typed error, saying the server may have refused the request", async () => {
    const error = await call(rtorrent.target, { body: new Uint8Array(RTORRENT_BODY_LIMIT + 1).fill(0x20) }).then(
      () => expect.unreachable("answered"),
      (caught: unknown) => caught as TransportError,
    );
    // rTorrent closes with the body unread: a reset, or a broken pipe for the write.
    expect(error).toBeInstanceOf(ConnectionResetError);
    expect(error.code).toBe("ERR_SCGI_CONNECTION_RESET");
    expect(error.message).toMatch(/before a complete response header block: the server may have refused the request/);
    expect(["ECONNRESET", "EPIPE"]).toContain((error.cause as NodeJS.ErrnoException).code);
  });

  it("examples/rtorrent-xmlrpc.mjs, the README's call, prints the status and the version", async () => {
    expect(await runExample("examples/rtorrent-xmlrpc.mjs", rtorrent.target)).toBe(`200 ${installedVersion()}\n`);
  });

  it("examples/rtorrent-torrents.mjs lists the torrents with d.multicall2", async () => {
    expect(await runExample("examples/rtorrent-torrents.mjs", rtorrent.target)).toBe("0 torrents\n");
    const { file, hash, size } = torrent("Zoë & friends <1>.txt", "hello, torrent\n");
    expect(await rpc(methodCall("load.raw_verbose", "", file))).toContain("<i4>0</i4>");
    expect(await runExample("examples/rtorrent-torrents.mjs", rtorrent.target)).toBe(
      `${hash.slice(0, 8)} ${String(size).padStart(12)} bytes   0% Zoë & friends <1>.txt\n1 torrent\n`,
    );
  });

  describe("why the client writes what it writes", () => {
    /** Sends raw bytes and reads what rTorrent answers, through the client's reader. */
    const raw = async (request: Uint8Array) => {
      const socket =
        transport === "tcp" ? net.connect(rtorrent.port, "127.0.0.1") : net.connect(rtorrent.target.slice(5));
      await once(socket, "connect");
      socket.end(request);
      const chunks: Buffer[] = [];
      for await (const chunk of socket) chunks.push(chunk as Buffer);
      return feedEvents(new SCGIClientReader(), chunks);
    };

    it("CONTENT_LENGTH after SCGI, which the SCGI specification forbids: rTorrent closes without a byte", async () => {
      const body = latin1(methodCall("system.client_version"));
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

    it("an empty body: rTorrent closes without a byte, which the call reports as ConnectionClosedError", async () => {
      const error = await call(rtorrent.target, { body: "" }).then(
        () => expect.unreachable("answered"),
        (caught: unknown) => caught as TransportError,
      );
      expect(error).toBeInstanceOf(ConnectionClosedError);
      expect(error.cause).toBeInstanceOf(IncompleteResponseError);
      expect((error.cause as Error).message).toBe("Connection closed without sending a response");
    });
  });
});
