/**
 * What the two receive halves share: the server's reader (request bytes in) and the
 * client's reader (response bytes in).
 *
 * @module
 * @internal
 */

/** The default `rxBufferLimit` of both readers. */
const DEFAULT_RX_BUFFER_LIMIT = 65536;

/**
 * The largest `rxBufferLimit` either reader accepts: 1 GiB, far beyond any real
 * environment. With no leading zero allowed, a netstring length therefore fails at its
 * 10th digit at the latest, long before its value could stop being exact.
 */
const MAX_RX_BUFFER_LIMIT = 2 ** 30;

/**
 * Checks an `rxBufferLimit` option and applies its default. Both readers take
 * it: the server's for the environment, the client's for the response's header block.
 *
 * @throws `RangeError` if it is not an integer from 1 to 2^30.
 * @internal
 */
export function rxBufferLimitOption(rxBufferLimit = DEFAULT_RX_BUFFER_LIMIT): number {
  if (!Number.isInteger(rxBufferLimit) || rxBufferLimit < 1 || rxBufferLimit > MAX_RX_BUFFER_LIMIT) {
    throw new RangeError(`rxBufferLimit must be an integer from 1 to ${MAX_RX_BUFFER_LIMIT}, not ${rxBufferLimit}`);
  }
  return rxBufferLimit;
}
