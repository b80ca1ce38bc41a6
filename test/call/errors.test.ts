/**
 * The TransportError family: a leaf per failure, each with a stable code, its class name as
 * `name`, a fixed message and the error underneath as `cause`; apart from ProtocolError.
 */

import { describe, expect, it } from "vitest";
import { ConnectionResetError, TransportError } from "../../src/call/errors.js";
import { ProtocolError } from "../../src/index.js";
import { TRANSPORT_LEAVES } from "../support/transport-errors.js";

describe("TransportError", () => {
  it.each(TRANSPORT_LEAVES.map((error) => [error.name, error] as const))("%s", (name, error) => {
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ProtocolError);
    expect(error.name).toBe(error.constructor.name);
    expect(name).toMatch(/Error$/);
    expect(error.code).toMatch(/^ERR_SCGI_[A-Z_]+$/);
    // A timeout has nothing underneath; every other failure keeps what it came from.
    expect(error.cause === undefined).toBe(error.code === "ERR_SCGI_REQUEST_TIMEOUT");
  });

  it("has one code per leaf", () => {
    expect(new Set(TRANSPORT_LEAVES.map((error) => error.code)).size).toBe(TRANSPORT_LEAVES.length);
  });

  it("fixed messages, naming the target and the system error's code", () => {
    expect(TRANSPORT_LEAVES.map((error) => error.message)).toEqual([
      "Could not connect to the SCGI server at 127.0.0.1:5000 (ECONNREFUSED)",
      "The connection to unix:/run/rpc.sock failed (EPIPE) before a complete response header block: the server may have refused the request, for instance for its size",
      "The SCGI server at 127.0.0.1:5000 closed the connection before a complete response header block: the server may have refused the request, for instance for its size",
      "The SCGI exchange did not complete within 5000 ms",
      "The SCGI exchange was aborted",
    ]);
  });

  it("a cause without a system error code, or none at all, leaves the code out", () => {
    expect(new ConnectionResetError("h:1", new Error("gone"), false).message).toBe(
      "The connection to h:1 failed before the end of the response body",
    );
    expect(new ConnectionResetError("h:1", null, false).message).toBe(
      "The connection to h:1 failed before the end of the response body",
    );
  });
});
