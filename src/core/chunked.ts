/**
 * The HTTP/1.1 chunked transfer coding, undone: framed bytes in, body bytes out.
 *
 * Strategy: a byte-driven state machine that buffers nothing. A body framed as HTTP/1.1
 * chunks (`5\r\nhello\r\n0\r\n\r\n`) carries its framing for one hop only, never as
 * content, so whoever meets it hands the framed bytes here and passes on only what comes
 * out: the client's reader for a response a server framed with `Transfer-Encoding:
 * chunked`, and `sioscgi/http` for the body node:http's `ServerResponse` frames when it
 * does not know the length in advance. Chunk data leaves as views into the chunk given,
 * never copied, whatever the write boundaries; the size line is read digit by digit into
 * a number, and extensions and trailer fields are skipped byte by byte, so a hostile
 * sender can make the decoder work but never make it hold memory. Bare LF line ends are
 * taken as the header reader takes them. The first byte the framing does not allow is a
 * {@link ChunkedFault}, which each user turns into its own reaction.
 *
 * @module
 */

import { CR, LF, SEMICOLON, SPACE, TAB } from "./bytes.js";
import type { BadChunkedBodyError } from "./errors.js";

/**
 * The first byte that breaks the framing, and where it came: the problems
 * {@link BadChunkedBodyError} describes.
 *
 * @internal
 */
export interface ChunkedFault {
  /** The offending byte. */
  readonly byte: number;
  /** Where in the framing it came, in the words of {@link BadChunkedBodyError}'s `problem`. */
  readonly problem: ConstructorParameters<typeof BadChunkedBodyError>[1];
}

/**
 * Where the decoder is in the framing (numbers in an `as const` object: no enum, for
 * type-stripping runtimes; a switch over small integers dispatched each framing byte
 * faster than one over strings).
 */
const Step = {
  /** The hex digits of a chunk size (at least one). */
  Size: 0,
  /** Whitespace after the digits. */
  AfterSize: 1,
  /** A chunk extension, skipped. */
  Extension: 2,
  /** The LF after a size line's CR. */
  SizeLF: 3,
  /** A chunk's data. */
  Data: 4,
  /** The CRLF (or LF) after a chunk's data. */
  DataCR: 5,
  /** The LF after the CR that ends a chunk's data. */
  DataLF: 6,
  /** After the last chunk: the start of a trailer line or of the empty line that ends the body. */
  TrailerStart: 7,
  /** A trailer field, skipped. */
  TrailerLine: 8,
  /** The LF of the body's final line. */
  FinalLF: 9,
  /** Done: any further byte is a fault. */
  Done: 10,
} as const;
type Step = (typeof Step)[keyof typeof Step];

/** The value of a hex digit, or -1 for any other byte. */
function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/**
 * Decodes one chunked body, fed in pieces as they arrive.
 *
 * @internal
 */
export class ChunkedDecoder {
  #step: Step = Step.Size;
  /** Size: whether a digit of the current size line has arrived. */
  #digits = false;
  /** Size and Data: the current chunk's size, then the bytes of it still to come. */
  #remaining = 0;
  /** Whether any byte has arrived at all. */
  #started = false;

  /** Whether the last chunk and the empty line after the trailers have arrived. */
  get complete(): boolean {
    return this.#step === Step.Done;
  }

  /** Whether no byte has arrived yet. */
  get untouched(): boolean {
    return !this.#started;
  }

  /**
   * Decodes `chunk` from `offset` on, handing each run of body bytes to `deliver` as a view
   * into `chunk`.
   *
   * @returns The fault, or `null` if every byte was acceptable. After a fault the decoder
   *   is of no further use: the body it was decoding is broken.
   */
  decode(chunk: Uint8Array, offset: number, deliver: (data: Uint8Array) => void): ChunkedFault | null {
    if (offset < chunk.length) this.#started = true;
    let index = offset;
    while (index < chunk.length) {
      if (this.#step === Step.Data) {
        const end = Math.min(chunk.length, index + this.#remaining);
        deliver(chunk.subarray(index, end));
        this.#remaining -= end - index;
        index = end;
        if (this.#remaining === 0) this.#step = Step.DataCR;
        continue;
      }
      const error = this.#frame(chunk[index] as number);
      if (error !== null) return error;
      index++;
    }
    return null;
  }

  /** Takes one byte of framing: of a size line, or of the line end after a chunk's data. */
  #frame(byte: number): ChunkedFault | null {
    switch (this.#step) {
      case Step.Size: {
        const digit = hexValue(byte);
        if (digit !== -1) {
          this.#remaining = this.#remaining * 16 + digit;
          if (this.#remaining > Number.MAX_SAFE_INTEGER) return { byte, problem: "size too large" };
          this.#digits = true;
          return null;
        }
        if (!this.#digits) return { byte, problem: "size" };
        this.#step = Step.AfterSize;
        return this.#sizeLine(byte);
      }
      case Step.AfterSize:
      case Step.Extension:
        return this.#sizeLine(byte);
      case Step.SizeLF:
        return byte === LF ? this.#endSizeLine() : { byte, problem: "size line end" };
      case Step.DataCR:
        if (byte === LF) {
          this.#step = Step.Size;
          return null;
        }
        if (byte === CR) {
          this.#step = Step.DataLF;
          return null;
        }
        return { byte, problem: "data end" };
      case Step.DataLF:
        if (byte !== LF) return { byte, problem: "data line end" };
        this.#step = Step.Size;
        return null;
      default:
        return this.#afterLastChunk(byte);
    }
  }

  /**
   * Takes a byte after the last chunk: trailer fields, the final line end, then nothing.
   * Kept out of `#frame`, which every chunk's framing passes through, so that the runtime
   * inlines that one into the loop: with these cases in it, it was not, and unframing
   * node:http's output cost some 10 ns more per chunk.
   */
  #afterLastChunk(byte: number): ChunkedFault | null {
    switch (this.#step) {
      case Step.TrailerStart:
        if (byte === LF) this.#step = Step.Done;
        else if (byte === CR) this.#step = Step.FinalLF;
        else this.#step = Step.TrailerLine;
        return null;
      case Step.TrailerLine:
        // Trailer fields would be metadata after the body; neither a Response nor SCGI has a place for them.
        if (byte === LF) this.#step = Step.TrailerStart;
        return null;
      case Step.FinalLF:
        if (byte !== LF) return { byte, problem: "final line end" };
        this.#step = Step.Done;
        return null;
      default:
        return { byte, problem: "after last chunk" };
    }
  }

  /** Takes a byte of a size line after its digits: whitespace, an extension, or the line end. */
  #sizeLine(byte: number): ChunkedFault | null {
    if (byte === LF) return this.#endSizeLine();
    if (byte === CR) {
      this.#step = Step.SizeLF;
      return null;
    }
    // Extensions (`;name=value`) carry nothing the body needs: skipped, whatever they say.
    if (byte === SEMICOLON) this.#step = Step.Extension;
    else if (this.#step === Step.AfterSize && byte !== SPACE && byte !== TAB) return { byte, problem: "after size" };
    if (byte < SPACE && byte !== TAB) return { byte, problem: "size line" };
    return null;
  }

  /** The size line is complete: a chunk's data follows, or, after size 0, the trailers. */
  #endSizeLine(): null {
    this.#step = this.#remaining === 0 ? Step.TrailerStart : Step.Data;
    this.#digits = false;
    return null;
  }
}
