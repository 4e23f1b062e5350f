/** A plain decimal number as people write one: 16, -2, 0.5, .5, 1e6. Not 0x10, 0b1, 0o7, 1_000 or Infinity
 *  (which Number() and yargs take as numbers). Imports nothing, so any folder may use it. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
