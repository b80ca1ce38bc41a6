/** Socket helpers for tests that run a real server on loopback. */

import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scgiRequest } from "./scgi.js";

/** Starts `server` on a free loopback port and returns the port. */
export async function listen(server: net.Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as net.AddressInfo).port;
}

/**
 * Starts `server` on a Unix socket in a new temporary directory and returns the socket's
 * path (closing the server removes the socket file).
 */
export async function listenUnix(server: net.Server): Promise<string> {
  const path = join(mkdtempSync(join(tmpdir(), "sioscgi-")), "app.sock");
  server.listen(path);
  await once(server, "listening");
  return path;
}

/** Connects to the Unix socket at `path`. */
export async function connectUnix(path: string): Promise<net.Socket> {
  const socket = net.createConnection(path);
  await once(socket, "connect");
  return socket;
}

/** Closes `server`, waiting for every connection to finish. */
export function close(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

/** Connects to the port on loopback. */
export async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  await once(socket, "connect");
  return socket;
}

/** Everything a socket receives until it closes, and whether it closed with an error (a reset). */
export async function readAll(socket: net.Socket): Promise<{ bytes: Buffer; error: Error | undefined }> {
  const chunks: Buffer[] = [];
  let error: Error | undefined;
  socket.on("data", (chunk: Buffer) => chunks.push(chunk));
  socket.on("error", (caught) => {
    error = caught;
  });
  // Not `once(socket, "close")`, which would reject on the error this function reports.
  await new Promise((resolve) => socket.once("close", resolve));
  return { bytes: Buffer.concat(chunks), error };
}

/** Sends `request`, half-closes, and returns everything answered before the server closed. */
export async function exchange(port: number, request: Uint8Array): Promise<Buffer> {
  const socket = await connect(port);
  const answer = readAll(socket);
  socket.end(request);
  const { bytes, error } = await answer;
  if (error !== undefined) throw error;
  return bytes;
}

/**
 * Sends a POST that announces 2^53 - 1 bytes of body and keeps sending `chunk` every
 * `every` ms; returns what was answered, and how many body bytes were sent, once the
 * server closes.
 */
export async function endlessUpload(
  port: number,
  chunk: Uint8Array,
  every: number,
): Promise<{ bytes: Buffer; sent: number }> {
  const socket = await connect(port);
  const answer = readAll(socket);
  socket.write(
    scgiRequest([
      ["CONTENT_LENGTH", String(2 ** 53 - 1)],
      ["SCGI", "1"],
      ["REQUEST_METHOD", "POST"],
    ]),
  );
  let sent = 0;
  const send = setInterval(() => {
    if (!socket.writable) return;
    socket.write(chunk);
    sent += chunk.length;
  }, every);
  const { bytes } = await answer;
  clearInterval(send);
  return { bytes, sent };
}
