/**
 * Slabs that small byte arrays are carved from.
 *
 * Strategy: an `ArrayBuffer` of its own costs far more than its bytes (the buffer object,
 * an allocation outside the JavaScript heap, and the collector's bookkeeping of both), and
 * a request's environment block and a response's header block are made once per request.
 * So small arrays are carved out of a shared slab instead, as Node's `Buffer` pool does. A
 * region is handed out once and never reused, so its bytes change only if its holder
 * changes them; a full slab is dropped, and the collector frees it once the last array in
 * it is gone. Holders see only their own region (`byteOffset` and `length` bound it), but
 * `array.buffer` is the whole slab, other regions included, as with a pooled `Buffer`.
 *
 * @module
 * @internal
 */

/** A source of small byte regions, each in a shared slab. */
export class BytePool {
  /** The size of each slab. */
  readonly #slabSize: number;

  /** The slab regions are carved from now; empty until the first reservation. */
  #bytes = new Uint8Array(0);

  /** Four-byte reads of {@link #bytes}, for the environment scan. */
  #view = new DataView(this.#bytes.buffer);

  /** How much of the slab is handed out. */
  #used = 0;

  /** @param slabSize - The size of each slab; every reservation must fit in one. */
  constructor(slabSize: number) {
    this.#slabSize = slabSize;
  }

  /** The slab the last reservation was made in, from its first byte: a position in it is an offset in its buffer. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** The same slab as {@link bytes}, for four-byte reads. */
  get view(): DataView {
    return this.#view;
  }

  /**
   * Reserves `length` bytes, and after them `slack` more that nothing else is given, in
   * the slab {@link bytes} is from now on; returns where the region starts in it.
   */
  reserve(length: number, slack = 0): number {
    if (this.#used + length + slack > this.#bytes.length) {
      const buffer = new ArrayBuffer(this.#slabSize);
      this.#bytes = new Uint8Array(buffer);
      this.#view = new DataView(buffer);
      this.#used = 0;
    }
    const start = this.#used;
    // Eight-byte steps keep every region's first word aligned, which makes reads cheaper.
    this.#used = (start + length + slack + 7) & ~7;
    return start;
  }
}
