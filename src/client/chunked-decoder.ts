/**
 * The HTTP/1.1 chunked transfer coding, undone: framed bytes in, body bytes out.
 *
 * Strategy: a byte-driven state machine that buffers nothing. A server answering over SCGI
 * may frame its body as HTTP/1.1 chunks (`5\r\nhello\r\n0\r\n\r\n`) and say so with
 * `Transfer-Encoding: chunked`; the framing belongs to that hop, never to the content, so
 * the reader hands the body's bytes here and passes on only what comes out. Chunk data
 * leaves as views into the chunk given; the size line is read digit by digit into a
 * number, and extensions and trailer fields are skipped byte by byte, so a hostile server
 * can make the decoder work but never make it hold memory. Bare LF line ends are taken as
 * the header reader takes them. The first malformed byte is the server's error.
 *
 * @module
 */

import { CR, LF, SEMICOLON, SPACE, TAB } from "../core/bytes.js";
import { BadChunkedBodyError, type ProtocolError } from "../core/errors.js";

/**
 * Where the decoder is in the framing: the hex digits of a chunk size (at least one);
 * whitespace after them; an extension (skipped); the LF after a size line's CR; a chunk's
 * data; the CRLF (or LF) after it, and its LF after the CR; after the last chunk, the start
 * of a trailer line or of the empty line that ends the body; a trailer field (skipped); the
 * LF of that final line; done, when any further byte is the server's error.
 */
type Step =
  | "size"
  | "after size"
  | "extension"
  | "size LF"
  | "data"
  | "data CR"
  | "data LF"
  | "trailer start"
  | "trailer line"
  | "final LF"
  | "done";

/** The value of a hex digit, or -1 for any other byte. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Decodes one chunked body. Used by `SCGIClientReader` for a response with
 * `Transfer-Encoding: chunked`.
 *
 * @internal
 */
export class ChunkedDecoder {
  #step: Step = "size";
  /** Size: whether a digit of the current size line has arrived. */
  #digits = false;
  /** Size and Data: the current chunk's size, then the bytes of it still to come. */
  #remaining = 0;
  /** Whether any byte has arrived at all. */
  #started = false;

  /** Whether the last chunk and the empty line after the trailers have arrived. */
  get complete(): boolean {
    return this.#step === "done";
  }

  /** Whether no byte has arrived yet. */
  get untouched(): boolean {
    return !this.#started;
  }

  /**
   * Decodes `chunk` from `offset` on, handing each run of body bytes to `deliver` as a view
   * into `chunk`.
   *
   * @returns The framing error, or `null` if every byte was acceptable.
   */
  decode(chunk: Uint8Array, offset: number, deliver: (data: Uint8Array) => void): ProtocolError | null {
    if (offset < chunk.length) this.#started = true;
    let index = offset;
    while (index < chunk.length) {
      if (this.#step === "data") {
        const end = Math.min(chunk.length, index + this.#remaining);
        deliver(chunk.subarray(index, end));
        this.#remaining -= end - index;
        index = end;
        if (this.#remaining === 0) this.#step = "data CR";
        continue;
      }
      const error = this.#frame(chunk[index] as number);
      if (error !== null) return error;
      index++;
    }
    return null;
  }

  /** Takes one byte of framing. */
  #frame(byte: number): ProtocolError | null {
    switch (this.#step) {
      case "size": {
        const digit = hexValue(byte);
        if (digit !== -1) {
          this.#remaining = this.#remaining * 16 + digit;
          if (this.#remaining > Number.MAX_SAFE_INTEGER) return new BadChunkedBodyError(byte, "size too large");
          this.#digits = true;
          return null;
        }
        if (!this.#digits) return new BadChunkedBodyError(byte, "size");
        this.#step = "after size";
        return this.#frame(byte);
      }
      case "after size":
      case "extension":
        if (byte === LF) return this.#endSizeLine();
        if (byte === CR) {
          this.#step = "size LF";
          return null;
        }
        // Extensions (`;name=value`) carry nothing the body needs: skipped, whatever they say.
        if (byte === SEMICOLON) this.#step = "extension";
        else if (this.#step === "after size" && byte !== SPACE && byte !== TAB) {
          return new BadChunkedBodyError(byte, "after size");
        }
        if (byte < SPACE && byte !== TAB) return new BadChunkedBodyError(byte, "size line");
        return null;
      case "size LF":
        return byte === LF ? this.#endSizeLine() : new BadChunkedBodyError(byte, "size line end");
      case "data CR":
        if (byte === LF) {
          this.#step = "size";
          return null;
        }
        if (byte === CR) {
          this.#step = "data LF";
          return null;
        }
        return new BadChunkedBodyError(byte, "data end");
      case "data LF":
        if (byte !== LF) return new BadChunkedBodyError(byte, "data line end");
        this.#step = "size";
        return null;
      case "trailer start":
        if (byte === LF) this.#step = "done";
        else if (byte === CR) this.#step = "final LF";
        else this.#step = "trailer line";
        return null;
      case "trailer line":
        // Trailer fields would be metadata after the body; a Response has nowhere to put them.
        if (byte === LF) this.#step = "trailer start";
        return null;
      case "final LF":
        if (byte !== LF) return new BadChunkedBodyError(byte, "final line end");
        this.#step = "done";
        return null;
      default:
        return new BadChunkedBodyError(byte, "after last chunk");
    }
  }

  /** The size line is complete: a chunk's data follows, or, after size 0, the trailers. */
  #endSizeLine(): null {
    this.#step = this.#remaining === 0 ? "trailer start" : "data";
    this.#digits = false;
    return null;
  }
}
