/**
 * The environment block of a request: where its bytes are kept while they arrive, and how
 * they become the environment's `Map`.
 *
 * Strategy: the block is parsed once, complete, and everything here serves that one pass.
 *
 * - Storage. A block of at most {@link POOLED_BLOCK_LIMIT} bytes, which is nearly every
 *   request's, is carved out of a shared {@link BytePool}: an `ArrayBuffer` of its own per
 *   request cost a third as much as parsing the request, most of it in the collector. A
 *   larger block gets a buffer of its own, which grows as bytes arrive so that a peer
 *   cannot make the reader hold memory it only announced.
 * - Scan. Every block is followed by {@link WORD_SLACK} spare bytes, so that a `DataView`
 *   can read four bytes at a time anywhere in it: NULs are found a word at a time, and a
 *   name is compared a word at a time with the name at the same position in the last
 *   environment parsed, since a web server sends the same names in the same order with
 *   every request. A name that differs is decoded, through a small cache of names seen
 *   before. Values are views into the block.
 * - Map. Each variable is set without looking its name up first; an empty or repeated
 *   name shows as a `Map` smaller than the count of variables, and only then is the block
 *   parsed again the careful way, which reports the first bad name or merges repeated
 *   headers.
 *
 * @module
 * @internal
 */

import { BytePool } from "../core/byte-pool.js";
import { COMMA, decodeLatin1, NUL, SEMICOLON, SPACE } from "../core/bytes.js";
import {
  DuplicateVariableError,
  EmptyVariableNameError,
  EnvironmentNotNulTerminatedError,
  OddStringCountError,
  type RemoteProtocolError,
  TooManyVariablesError,
} from "../core/errors.js";

/**
 * Spare bytes after every block: a four-byte read that starts at the block's last byte
 * (its final NUL) stays inside the buffer.
 */
const WORD_SLACK = 3;

/** The largest block taken from the pool; larger ones get a buffer of their own. */
const POOLED_BLOCK_LIMIT = 4096;

/** The first size of a block with a buffer of its own; it doubles as bytes arrive. */
const INITIAL_OWN_CAPACITY = 4096;

/**
 * The pool small blocks are carved from. Its slabs are small, so that one environment
 * an application keeps alive holds little memory beside it.
 */
const pool = new BytePool(4 * POOLED_BLOCK_LIMIT);

/**
 * Where an environment block is stored: `bytes` spans a whole `ArrayBuffer` (so that a
 * position in it is also an offset in the buffer), and the block starts at `start`.
 */
export interface EnvironmentBlock {
  /** The whole buffer the block lives in; replaced when a block with a buffer of its own grows. */
  bytes: Uint8Array;
  /** Four-byte reads of the same buffer; made once complete, for a buffer of its own. */
  view: DataView | null;
  /** Where the block starts in {@link bytes}. */
  readonly start: number;
  /** How many bytes {@link bytes} holds from {@link start} on, slack excluded. */
  capacity: number;
}

/**
 * A new block for an environment of `length` bytes: from the pool when it is small, else
 * a buffer of its own with room for the first {@link INITIAL_OWN_CAPACITY} bytes.
 */
export function reserveBlock(length: number): EnvironmentBlock {
  if (length > POOLED_BLOCK_LIMIT) {
    const capacity = Math.min(length, INITIAL_OWN_CAPACITY);
    return { bytes: new Uint8Array(capacity + WORD_SLACK), view: null, start: 0, capacity };
  }
  const start = pool.reserve(length, WORD_SLACK);
  return { bytes: pool.bytes, view: pool.view, start, capacity: length };
}

/**
 * Copies `source[from, from + count)` into `block` at `filled`, growing a block with a
 * buffer of its own (by doubling, up to `length`) when it lacks room.
 */
export function fillBlock(
  block: EnvironmentBlock,
  filled: number,
  length: number,
  source: Uint8Array,
  from: number,
  count: number,
): void {
  if (filled + count > block.capacity) {
    const capacity = Math.min(length, Math.max(block.capacity * 2, filled + count));
    const grown = new Uint8Array(capacity + WORD_SLACK);
    // Only a block with a buffer of its own grows: a pooled one has room for all its bytes.
    grown.set(new Uint8Array(block.bytes.buffer, 0, filled));
    block.bytes = grown;
    block.capacity = capacity;
  }
  const target = block.bytes;
  const at = block.start + filled;
  if (count <= 16) {
    // A few bytes (one at a time, at worst) cost less in a loop than a view and a `set`.
    for (let index = 0; index < count; index++) target[at + index] = source[from + index] as number;
  } else {
    target.set(new Uint8Array(source.buffer, source.byteOffset + from, count), at);
  }
}

// --- names -----------------------------------------------------------------------------

/** How many decoded variable names {@link decodeName} remembers: a power of two. */
const NAME_CACHE_SIZE = 512;

/** The longest name remembered, by {@link decodeName} and by the positions of {@link expectedNames}. */
const REMEMBERED_NAME_LENGTH = 64;

/** Names decoded before, each at a slot chosen by a hash of its bytes; `""` where none is yet. */
const nameCache: string[] = new Array<string>(NAME_CACHE_SIZE).fill("");

/** Whether `name` is the ISO-8859-1 decoding of `bytes[start, end)`. */
function spells(name: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (name.length !== end - start) return false;
  for (let index = 0; index < name.length; index++) {
    if (name.charCodeAt(index) !== bytes[start + index]) return false;
  }
  return true;
}

/**
 * Decodes the variable name `bytes[start, end)` as ISO-8859-1, returning the string made
 * for the same bytes before, in this request or an earlier one, when it is remembered.
 *
 * Why: comparing bytes with a remembered string costs a fraction of making a new string
 * and then hashing it for the environment's `Map` (a remembered string keeps its hash).
 * The cache is a fixed table shared by every reader, with two slots a name may sit in, so
 * two names that share one slot do not keep evicting each other. A hit is checked byte by
 * byte, so a name always decodes to its own bytes; a peer sending endless distinct names
 * only replaces entries, and the table never grows.
 */
function decodeName(bytes: Uint8Array, start: number, end: number): string {
  let hash = 0;
  for (let index = start; index < end; index++) hash = (Math.imul(hash, 31) + (bytes[index] as number)) | 0;
  const first = hash & (NAME_CACHE_SIZE - 1);
  const firstName = nameCache[first] as string;
  if (spells(firstName, bytes, start, end)) return firstName;
  const second = (hash >>> 16) & (NAME_CACHE_SIZE - 1);
  const secondName = nameCache[second] as string;
  if (spells(secondName, bytes, start, end)) return secondName;
  const name = decodeLatin1(bytes, start, end);
  if (name.length <= REMEMBERED_NAME_LENGTH) nameCache[firstName === "" ? first : second] = name;
  return name;
}

/** How many positions {@link expectedNames} remembers: enough for a web server and a browser's headers. */
const EXPECTED_POSITIONS = 128;

/**
 * The name last parsed at each position of an environment (`""` where none is yet), with
 * its bytes at `position * REMEMBERED_NAME_LENGTH` in {@link expectedBytes}, so that the
 * next environment's name at that position can be checked four bytes at a time. A name
 * and its bytes always change together, so a match is always the name's own bytes.
 */
const expectedNames: string[] = new Array<string>(EXPECTED_POSITIONS).fill("");
const expectedBytes = new Uint8Array(EXPECTED_POSITIONS * REMEMBERED_NAME_LENGTH);
const expectedView = new DataView(expectedBytes.buffer);

/**
 * Where the name at `start` ends (its NUL), if it is the name last parsed at `position`;
 * otherwise -1. `finalNul` is the block's last byte: a name cannot end there.
 */
function expectedNameEnd(bytes: Uint8Array, view: DataView, start: number, finalNul: number, position: number): number {
  if (position >= EXPECTED_POSITIONS) return -1;
  const length = (expectedNames[position] as string).length;
  const end = start + length;
  if (length === 0 || end >= finalNul || bytes[end] !== NUL) return -1;
  let remembered = position * REMEMBERED_NAME_LENGTH;
  let index = start;
  for (; index + 4 <= end; index += 4, remembered += 4) {
    if (view.getUint32(index, true) !== expectedView.getUint32(remembered, true)) return -1;
  }
  for (; index < end; index++, remembered++) {
    if (bytes[index] !== expectedBytes[remembered]) return -1;
  }
  return end;
}

/** Remembers `name`, spelt `bytes[start, end)`, as the name at `position`. */
function expectName(position: number, name: string, bytes: Uint8Array, start: number, end: number): void {
  if (position >= EXPECTED_POSITIONS || name.length > REMEMBERED_NAME_LENGTH) return;
  expectedBytes.set(bytes.subarray(start, end), position * REMEMBERED_NAME_LENGTH);
  expectedNames[position] = name;
}

/**
 * Where the string starting at `index` ends: its NUL. Reads a word at a time until a word
 * holds a zero byte, then finds it; the block's final NUL and the slack after it bound
 * every read.
 */
function nulFrom(bytes: Uint8Array, view: DataView, index: number): number {
  let word = view.getUint32(index, true);
  // A word has a zero byte exactly when this is not zero (the classic bit trick).
  while (((word - 0x01010101) & ~word & 0x80808080) === 0) {
    index += 4;
    word = view.getUint32(index, true);
  }
  while (bytes[index] !== NUL) index++;
  return index;
}

// --- parsing ---------------------------------------------------------------------------

/** Prefix of the variables that carry HTTP request headers. */
const HTTP_PREFIX = "HTTP_";

/** `", "`, which joins the values of a repeated header, and `"; "`, which joins cookies. */
const LIST_SEPARATOR = Uint8Array.of(COMMA, SPACE);
const COOKIE_SEPARATOR = Uint8Array.of(SEMICOLON, SPACE);

/** Joins the values of a repeated header into one new array, in order, as an HTTP proxy would. */
function joinValues(name: string, values: readonly Uint8Array[]): Uint8Array {
  const separator = name === "HTTP_COOKIE" ? COOKIE_SEPARATOR : LIST_SEPARATOR;
  let length = separator.length * (values.length - 1);
  for (const value of values) length += value.length;
  const joined = new Uint8Array(length);
  let offset = 0;
  for (const [index, value] of values.entries()) {
    if (index > 0) {
      joined.set(separator, offset);
      offset += separator.length;
    }
    joined.set(value, offset);
    offset += value.length;
  }
  return joined;
}

/**
 * Parses a complete environment block of `length` bytes into its variables, or returns
 * the error that makes it invalid. The block must end with NUL and hold NUL-terminated
 * names and values alternately. Values are views into the block, except merged ones,
 * which are joined once after the scan so that many repeats cost linear time.
 *
 * When a block has several problems, the one reported is the first of: not
 * NUL-terminated; more variables than the limit (as soon as the scan reaches one too
 * many); an odd number of strings; then the first empty or repeated name.
 */
export function parseEnvironment(
  block: EnvironmentBlock,
  length: number,
  mergeHTTPHeaders: boolean,
  variableLimit: number,
): Map<string, Uint8Array> | RemoteProtocolError {
  const { bytes, start } = block;
  const finalNul = start + length - 1;
  if (bytes[finalNul] !== NUL) return new EnvironmentNotNulTerminatedError(bytes[finalNul] as number);
  block.view ??= new DataView(bytes.buffer);
  return scan(bytes, block.view, start, finalNul, mergeHTTPHeaders, variableLimit, false);
}

/**
 * The scan of {@link parseEnvironment}, hasty or careful. Hasty, it sets every variable
 * without a look-up and hands over to a careful scan as soon as a name is empty or the
 * `Map` has fewer entries than variables at the end; careful, it looks each name up first
 * and reports the first bad name, or merges repeated headers.
 */
function scan(
  bytes: Uint8Array,
  view: DataView,
  start: number,
  finalNul: number,
  mergeHTTPHeaders: boolean,
  variableLimit: number,
  careful: boolean,
): Map<string, Uint8Array> | RemoteProtocolError {
  const buffer = bytes.buffer;
  const environment = new Map<string, Uint8Array>();
  // Made on the first repeat only: most requests have none.
  let repeats: Map<string, Uint8Array[]> | null = null;
  let nameError: RemoteProtocolError | null = null;
  let count = 0;
  let index = start;
  while (index <= finalNul) {
    if (count === variableLimit) return new TooManyVariablesError(variableLimit);
    let nameEnd = expectedNameEnd(bytes, view, index, finalNul, count);
    let name: string;
    if (nameEnd >= 0) {
      name = expectedNames[count] as string;
    } else {
      nameEnd = nulFrom(bytes, view, index);
      name = decodeName(bytes, index, nameEnd);
      expectName(count, name, bytes, index, nameEnd);
    }
    if (nameEnd === finalNul) return new OddStringCountError(name);
    const valueEnd = nulFrom(bytes, view, nameEnd + 1);
    index = valueEnd + 1;
    count++;
    if (!careful) {
      if (name === "") return scan(bytes, view, start, finalNul, mergeHTTPHeaders, variableLimit, true);
      // A view made without `subarray`'s species lookup, which made it the dearer.
      environment.set(name, new Uint8Array(buffer, nameEnd + 1, valueEnd - nameEnd - 1));
      continue;
    }
    if (nameError !== null) continue;
    const value = new Uint8Array(buffer, nameEnd + 1, valueEnd - nameEnd - 1);
    const earlier = environment.get(name);
    if (name === "") {
      nameError = new EmptyVariableNameError();
    } else if (earlier === undefined) {
      environment.set(name, value);
    } else if (!mergeHTTPHeaders || !name.startsWith(HTTP_PREFIX)) {
      nameError = new DuplicateVariableError(name);
    } else {
      repeats ??= new Map();
      const values = repeats.get(name);
      if (values === undefined) repeats.set(name, [earlier, value]);
      else values.push(value);
    }
  }
  if (!careful) {
    if (environment.size === count) return environment;
    return scan(bytes, view, start, finalNul, mergeHTTPHeaders, variableLimit, true);
  }
  if (nameError !== null) return nameError;
  for (const [name, values] of repeats ?? []) environment.set(name, joinValues(name, values));
  return environment;
}
