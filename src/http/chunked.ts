/**
 * Removes the chunked framing node:http puts around a response body.
 *
 * Strategy: a byte-driven state machine over the framing only. `ServerResponse` frames its
 * body in chunks when it does not know the length in advance (`<hex size>\r\n<data>\r\n`
 * ... `0\r\n<trailers>\r\n`); SCGI needs the bare body, ended by closing the connection.
 * The decoder looks at the size lines and the CRLFs byte by byte and hands each chunk's
 * data on as views into the input, never copied, whatever the write boundaries. node:http
 * writes no chunk extensions, and SCGI has no place for trailers: anything after the last
 * chunk is dropped.
 *
 * @module
 * @internal
 */

/** Where the decoder is in the framing (an `as const` object: no enum, for type-stripping runtimes). */
const Step = {
  /** Reading the hexadecimal size of the next chunk. */
  Size: 0,
  /** Read the size and its CR; the LF comes next. */
  SizeLineFeed: 1,
  /** Inside a chunk's data. */
  Data: 2,
  /** Read a chunk's data; its CR comes next. */
  DataCarriageReturn: 3,
  /** Read a chunk's data and CR; its LF comes next. */
  DataLineFeed: 4,
  /** Read the last (empty) chunk: what follows is trailers, not body. */
  Done: 5,
} as const;
type Step = (typeof Step)[keyof typeof Step];

const CR = 0x0d;
const LF = 0x0a;

/** The value of a hexadecimal digit, or -1. */
function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

/** Decodes one chunked body, fed in pieces as they were written. */
export class ChunkedDecoder {
  #step: Step = Step.Size;
  /** The size being read, then the data bytes left in the current chunk. */
  #size = 0;
  /** Whether the size line has at least one digit. */
  #sizeDigits = 0;

  /** Whether the last chunk has been read. */
  get done(): boolean {
    return this.#step === Step.Done;
  }

  /**
   * Decodes the next piece of the framed body.
   *
   * @param bytes - The next bytes, as written.
   * @returns The body data they hold, as views into `bytes`, in order (often none).
   * @throws `SyntaxError` if the framing is broken.
   */
  decode(bytes: Uint8Array): Uint8Array[] {
    const data: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length && this.#step !== Step.Done) {
      if (this.#step === Step.Data) {
        const end = Math.min(bytes.length, offset + this.#size);
        data.push(bytes.subarray(offset, end));
        this.#size -= end - offset;
        offset = end;
        if (this.#size === 0) this.#step = Step.DataCarriageReturn;
        continue;
      }
      this.#frame(bytes[offset++] as number);
    }
    return data;
  }

  /** Takes one byte of framing (a size line or a CRLF after data). */
  #frame(byte: number): void {
    switch (this.#step) {
      case Step.Size: {
        const digit = hexDigit(byte);
        if (digit >= 0 && this.#sizeDigits < 12) {
          this.#size = this.#size * 16 + digit;
          this.#sizeDigits++;
          return;
        }
        if (byte === CR && this.#sizeDigits > 0) {
          this.#step = Step.SizeLineFeed;
          return;
        }
        break;
      }
      case Step.SizeLineFeed:
        if (byte === LF) {
          this.#step = this.#size === 0 ? Step.Done : Step.Data;
          return;
        }
        break;
      case Step.DataCarriageReturn:
        if (byte === CR) {
          this.#step = Step.DataLineFeed;
          return;
        }
        break;
      case Step.DataLineFeed:
        if (byte === LF) {
          this.#step = Step.Size;
          this.#size = 0;
          this.#sizeDigits = 0;
          return;
        }
        break;
    }
    throw new SyntaxError("The chunked framing of the response body is broken");
  }
}
