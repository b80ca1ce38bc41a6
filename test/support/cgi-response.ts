/**
 * A test-side parser of CGI-style response header blocks, written independently of the
 * library's writer so that a round trip through both proves the encoding.
 */

/** The fields of a header block in order, and the bytes after its blank line. */
export interface ParsedHeaderBlock {
  readonly fields: [string, string][];
  readonly rest: Uint8Array;
}

/**
 * Parses `Name: value\r\n` lines up to the first empty line, decoding bytes as Latin-1,
 * and refuses what nginx would change or misframe: a value with surrounding whitespace,
 * or a status that is not a final one (200 to 599).
 */
export function parseHeaderBlock(bytes: Uint8Array): ParsedHeaderBlock {
  const text = Array.from(bytes, (byte) => String.fromCharCode(byte)).join("");
  const end = text.indexOf("\r\n\r\n");
  if (end < 0) throw new Error("header block has no blank line");
  const fields = text
    .slice(0, end)
    .split("\r\n")
    .map((line): [string, string] => {
      const colon = line.indexOf(": ");
      if (colon <= 0) throw new Error(`malformed header line ${JSON.stringify(line)}`);
      const [name, value] = [line.slice(0, colon), line.slice(colon + 2)];
      if (value !== value.replace(/^[ \t]+|[ \t]+$/g, ""))
        throw new Error(`value with surrounding whitespace in ${JSON.stringify(line)}`);
      if (name === "Status" && !/^[2-5][0-9]{2}(?: |$)/.test(value))
        throw new Error(`not a final status: ${JSON.stringify(line)}`);
      return [name, value];
    });
  return { fields, rest: bytes.subarray(end + 4) };
}
