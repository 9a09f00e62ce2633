/**
 * DynamoDB's number syntax, checked in one pass over the characters (no regex, no allocation): an optional
 * sign, digits with at most one decimal point (at least one digit), an optional exponent (`e`/`E`, optional
 * sign, at least one digit). No whitespace, hex, `_`, `Infinity` or `NaN`, no empty string. At most 38
 * significant digits (leading and trailing zeros do not count, as DynamoDB trims them) and a magnitude of
 * at least 1E-130 unless zero — the limits DynamoDB puts on what it stores.
 */

const PLUS = 43;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Most significant digits a DynamoDB number can have. */
export const MAX_SIGNIFICANT_DIGITS = 38;
/** Smallest magnitude of a non-zero DynamoDB number. */
const MIN_MAGNITUDE = 1e-130;

/**
 * Reads a DynamoDB `N` value: the number (`Number(text)`; every accepted form is JavaScript numeric syntax
 * too), or, when `text` is not a number DynamoDB could have stored, a string saying why.
 *
 * @example
 * ```ts
 * readDynamoDBNumber('-12.5e3'); // -12500
 * readDynamoDBNumber('0x10'); // 'is not a number in DynamoDB syntax'
 * ```
 */
export function readDynamoDBNumber(text: string): number | string {
  const length = text.length;
  let i = 0;
  let c = text.charCodeAt(0);
  if (c === PLUS || c === MINUS) i++;
  let significant = 0;
  let pendingZeros = 0;
  let sawDigit = false;
  let sawDot = false;
  for (; i < length; i++) {
    c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      sawDigit = true;
      if (c === ZERO) {
        if (significant > 0) pendingZeros++;
      } else {
        significant += pendingZeros + 1;
        pendingZeros = 0;
      }
    } else if (c === DOT && !sawDot) {
      sawDot = true;
    } else {
      break;
    }
  }
  if (!sawDigit) return 'is not a number in DynamoDB syntax';
  if (i < length) {
    if (c !== LOWER_E && c !== UPPER_E) return 'is not a number in DynamoDB syntax';
    i++;
    c = text.charCodeAt(i);
    if (c === PLUS || c === MINUS) i++;
    const exponentStart = i;
    for (; i < length; i++) {
      c = text.charCodeAt(i);
      if (c < ZERO || c > NINE) return 'is not a number in DynamoDB syntax';
    }
    if (i === exponentStart) return 'is not a number in DynamoDB syntax';
  }
  if (significant > MAX_SIGNIFICANT_DIGITS) return `has more than ${MAX_SIGNIFICANT_DIGITS} significant digits`;
  const value = Number(text);
  if (significant > 0 && Math.abs(value) < MIN_MAGNITUDE) return 'is smaller in magnitude than 1E-130';
  return value;
}
