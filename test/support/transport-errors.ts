/** One instance of every TransportError leaf, for the tests of the family and of the README. */

import {
  ConnectionClosedError,
  ConnectionRefusedError,
  ConnectionResetError,
  RequestAbortedError,
  RequestTimeoutError,
  type TransportError,
} from "../../src/call/errors.js";
import { IncompleteResponseError } from "../../src/index.js";

/** A system error as Node reports one. */
const systemError = (code: string): Error => Object.assign(new Error(code), { code });

export const TRANSPORT_LEAVES: TransportError[] = [
  new ConnectionRefusedError("127.0.0.1:5000", systemError("ECONNREFUSED")),
  new ConnectionResetError("unix:/run/rpc.sock", systemError("EPIPE"), true),
  new ConnectionClosedError("127.0.0.1:5000", new IncompleteResponseError("nothing")),
  new RequestTimeoutError(5000),
  new RequestAbortedError(new Error("enough")),
];
