/**
 * Small byte helpers shared by the reader and the writer.
 *
 * Strategy: everything here works on `Uint8Array` and char codes only. `TextDecoder`
 * is avoided on purpose: its `"latin1"` label is windows-1252 (byte 0x80 would become
 * U+20AC), and SCGI names and HTTP header fields are ISO-8859-1.
 *
 * @module
 * @internal
 */

/**
 * How many char codes go to one `String.fromCharCode` call. Spreading a large array
 * into one call can overflow the stack; 4096 arguments is safe on every engine.
 */
const DECODE_BATCH = 4096;

/**
 * Decodes `bytes[start, end)` as ISO-8859-1: each byte becomes the code point of the
 * same value.
 */
export function decodeLatin1(bytes: Uint8Array, start = 0, end = bytes.length): string {
  if (end - start <= DECODE_BATCH) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let text = "";
  for (let batchStart = start; batchStart < end; batchStart += DECODE_BATCH) {
    const batchEnd = Math.min(batchStart + DECODE_BATCH, end);
    text += String.fromCharCode.apply(null, bytes.subarray(batchStart, batchEnd) as unknown as number[]);
  }
  return text;
}

/** Whether every UTF-16 code unit of `text` is at most U+00FF, so ISO-8859-1 can hold it. */
export function isLatin1(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0xff) return false;
  }
  return true;
}

/**
 * Writes `text` as ISO-8859-1 into `target` at `offset` and returns the offset after it.
 * The caller has checked {@link isLatin1}.
 */
export function writeLatin1(text: string, target: Uint8Array, offset: number): number {
  for (let index = 0; index < text.length; index++) {
    target[offset++] = text.charCodeAt(index);
  }
  return offset;
}

// The ASCII bytes the SCGI and CGI framings are made of, named once for every reader and
// writer: the netstring (`length:environment,`, NUL between names and values) and the
// header block (`Name: value`, CRLF or LF line ends).

/** ASCII NUL, which ends each name and value of an environment. */
export const NUL = 0x00;
/** ASCII horizontal tab, whitespace around a header field value. */
export const TAB = 0x09;
/** ASCII line feed, which ends a header line. */
export const LF = 0x0a;
/** ASCII carriage return, which may come before a header line's LF. */
export const CR = 0x0d;
/** ASCII space, after a header name's colon. */
export const SPACE = 0x20;
/** ASCII `,`, which ends a netstring. */
export const COMMA = 0x2c;
/** ASCII `:`, after a netstring's length and a header's name. */
export const COLON = 0x3a;
/** ASCII `;`, which joins the cookies of a repeated `Cookie` header. */
export const SEMICOLON = 0x3b;
/** ASCII code of `0`. */
export const DIGIT_ZERO = 0x30;
/** ASCII code of `1`, the value of the `SCGI` variable. */
export const DIGIT_ONE = 0x31;
/** ASCII code of `9`. */
export const DIGIT_NINE = 0x39;

/**
 * Parses a whole number written as ASCII digits only: no sign, no space, no underscore,
 * no other script's digits. Returns `null` when `bytes` is empty, holds anything else,
 * or names a number beyond `Number.MAX_SAFE_INTEGER`. Takes received bytes, or text (a
 * response's `Content-Length` as an application gives it), with the same rule.
 */
export function parseDecimal(bytes: Uint8Array | string): number | null {
  if (bytes.length === 0) return null;
  let value = 0;
  for (let index = 0; index < bytes.length; index++) {
    const byte = typeof bytes === "string" ? bytes.charCodeAt(index) : (bytes[index] as number);
    if (byte < DIGIT_ZERO || byte > DIGIT_NINE) return null;
    value = value * 10 + (byte - DIGIT_ZERO);
    if (value > Number.MAX_SAFE_INTEGER) return null;
  }
  return value;
}

/**
 * Returns `data` if it is a `Uint8Array` (a Node `Buffer` is one), and throws a
 * `TypeError` naming `receiver` otherwise: a JavaScript caller may pass anything.
 */
export function checkBytes(data: Uint8Array, receiver: string): Uint8Array {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${receiver} takes a Uint8Array, not ${describeValue(data)}`);
  }
  return data;
}

/**
 * Names a value for an error message: `null`, its type, or for an object its class name
 * (`Array`, `Object`, `ResponseHeaders`...), which says more than `"object"`.
 *
 * @internal
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
}
