/**
 * The application module `sioscgi serve` runs: loaded from a file, its default export
 * checked for the shape the chosen API needs, its lifecycle hooks picked out.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Handler } from "../fetch/index.js";
import { errorMessage, UsageError } from "./addresses.js";

/** A lifecycle hook the module may export: awaited before listening, or after draining. */
export type Hook = () => unknown;

/** What the command takes from the application module. */
export interface AppModule {
  /** The default export, not yet checked: see {@link toFetchHandler} and {@link toRequestListener}. */
  readonly app: unknown;
  /** Awaited before the server listens. */
  readonly onStartup: Hook | undefined;
  /** Awaited after the server has stopped and its connections have ended. */
  readonly onShutdown: Hook | undefined;
}

/** A node:http request listener, as `--api node` serves: `(request, response) => void`. */
export type RequestListener = (request: never, response: never) => unknown;

/** What a value is, for an error message. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return "an object without a fetch method";
  return typeof value;
}

/** The export `name` of `module`, if it is a function or absent. */
function hook(module: Record<string, unknown>, name: string, file: string): Hook | undefined {
  const value = module[name];
  if (value === undefined || typeof value === "function") return value as Hook | undefined;
  throw new UsageError(`${file}: the ${name} export must be a function, not ${describe(value)}`);
}

/**
 * Imports the module at `file` (a path, relative to the working directory or absolute).
 *
 * @throws {@link UsageError} if it cannot be loaded (missing, a syntax error, an error
 *   thrown as it loads; the error is its `cause`), or a hook is not a function.
 */
export async function loadAppModule(file: string): Promise<AppModule> {
  let module: Record<string, unknown>;
  try {
    module = await import(pathToFileURL(resolve(file)).href);
  } catch (error) {
    throw new UsageError(`cannot load ${file}: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  return {
    app: module.default,
    onStartup: hook(module, "onStartup", file),
    onShutdown: hook(module, "onShutdown", file),
  };
}

/**
 * The fetch handler a module's default export stands for: the export itself if it is a
 * function, or its `fetch` method (a Hono app; the `{ fetch }` convention of Bun, Deno and
 * srvx), which is given the request's SCGI headers as its second argument.
 *
 * @throws {@link UsageError} if the export is neither.
 */
export function toFetchHandler(app: unknown, file: string): Handler {
  if (typeof app === "function") return app as Handler;
  if (typeof app === "object" && app !== null && typeof (app as { fetch?: unknown }).fetch === "function") {
    const server = app as { fetch: Handler };
    return (request, headers) => server.fetch(request, headers);
  }
  throw new UsageError(
    `${file}: the default export must be a fetch handler (a function) or an object with a fetch method, not ${describe(app)}`,
  );
}

/**
 * The node:http request listener a module's default export must be for `--api node` (an
 * Express app is one; for Koa export `app.callback()`).
 *
 * @throws {@link UsageError} if the export is not a function.
 */
export function toRequestListener(app: unknown, file: string): RequestListener {
  if (typeof app === "function") return app as RequestListener;
  throw new UsageError(
    `${file}: with --api node the default export must be a request listener (request, response) => void, such as an Express app, not ${describe(app)}`,
  );
}
