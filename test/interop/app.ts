/**
 * The application the interop suite serves through each web server: one fetch-style
 * handler with a route per behaviour under test.
 */

import { createHash } from "node:crypto";
import { localRedirect } from "../../src/fetch/index.js";
import type { Handler } from "../../src/node.js";

/** What the app has seen, for the tests to read back. */
export interface AppState {
  /** How many requests saw `request.signal` abort. */
  aborted: number;
}

/** The byte at `index` of every streamed response, so that the client can check the whole. */
export const streamByte = (index: number): number => (index * 7 + 3) % 251;

/** The SHA-256 of `size` bytes of {@link streamByte}. */
export function streamDigest(size: number): string {
  const hash = createHash("sha256");
  const block = new Uint8Array(65536);
  for (let offset = 0; offset < size; offset += block.length) {
    const length = Math.min(block.length, size - offset);
    for (let index = 0; index < length; index++) block[index] = streamByte(offset + index);
    hash.update(block.subarray(0, length));
  }
  return hash.digest("hex");
}

const latin1 = (bytes: Uint8Array | undefined): string | null =>
  bytes === undefined ? null : String.fromCharCode(...bytes);

/** The echo's answer: what arrived, as JSON. */
export interface Echo {
  method: string;
  url: string;
  length: number;
  sha256: string;
  headers: Record<string, string>;
  /** Selected SCGI variables, their bytes as hex. */
  variables: Record<string, string | null>;
}

export function createApp(state: AppState): Handler {
  return async (request, scgi) => {
    const url = new URL(request.url);
    switch (url.pathname) {
      case "/echo": {
        const body = new Uint8Array(await request.arrayBuffer());
        const variables: Record<string, string | null> = {};
        for (const name of [
          "REQUEST_METHOD",
          "QUERY_STRING",
          "CONTENT_LENGTH",
          "HTTP_X_TEXT",
          "HTTP_COOKIE",
          "HTTP_X_A",
        ]) {
          const value = scgi.environment.get(name);
          variables[name] = value === undefined ? null : Buffer.from(value).toString("hex");
        }
        const echo: Echo = {
          method: request.method,
          url: request.url,
          length: body.length,
          sha256: createHash("sha256").update(body).digest("hex"),
          headers: Object.fromEntries(request.headers),
          variables,
        };
        return Response.json(echo);
      }
      case "/status": {
        const status = Number(url.searchParams.get("code"));
        return new Response(status === 204 || status === 304 ? null : `status ${status}\n`, { status });
      }
      case "/moved":
        return new Response("moved\n", {
          status: 301,
          headers: { location: "/echo?from=moved", "content-type": "text/plain" },
        });
      case "/local-redirect":
        return localRedirect("/echo?from=local-redirect");
      case "/stream": {
        const size = Number(url.searchParams.get("size"));
        let offset = 0;
        const body = new ReadableStream<Uint8Array>(
          {
            pull(controller) {
              const length = Math.min(65536, size - offset);
              const chunk = new Uint8Array(length);
              for (let index = 0; index < length; index++) chunk[index] = streamByte(offset + index);
              offset += length;
              controller.enqueue(chunk);
              if (offset >= size) controller.close();
            },
          },
          { highWaterMark: 0 },
        );
        return new Response(body, {
          headers: { "content-type": "application/octet-stream", "content-length": String(size) },
        });
      }
      case "/throw":
        throw new Error("the handler failed on purpose");
      case "/fail-midway": {
        // 64 KiB, then the body fails: the web server must not pass this on as complete.
        let sent = false;
        const body = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (sent) {
              await new Promise((resolve) => setTimeout(resolve, 50));
              controller.error(new Error("the body failed on purpose"));
              return;
            }
            sent = true;
            controller.enqueue(new Uint8Array(65536).fill(0x61));
          },
        });
        return new Response(body, { headers: { "content-type": "text/plain" } });
      }
      case "/watch-abort": {
        // Counts an abort of request.signal; ?wait=MS keeps the handler busy that long first.
        request.signal.addEventListener("abort", () => {
          state.aborted++;
        });
        await request.arrayBuffer().catch(() => {});
        const wait = Number(url.searchParams.get("wait") ?? 0);
        if (wait > 0 && !request.signal.aborted) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, wait);
            request.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve(undefined);
            });
          });
        }
        // The answer streams for a while (20 chunks, 20 ms apart), so that a server that
        // closed the connection meanwhile is noticed while the answer is still being
        // written, not after a one-write answer has already counted as complete.
        let sent = 0;
        const answer = new ReadableStream<Uint8Array>({
          async pull(controller) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            controller.enqueue(new Uint8Array(16384).fill(0x2e));
            if (++sent === 20) controller.close();
          },
        });
        return new Response(answer);
      }
      case "/state":
        return Response.json(state);
      default:
        return new Response("not found\n", { status: 404 });
    }
  };
}

export { latin1 };
