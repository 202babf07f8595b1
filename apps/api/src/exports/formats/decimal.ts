/**
 * Marks as exact decimals. A score is a double (0.25 steps, or any value an old scale left), and
 * `Math.round(x * 100) / 100` rounds 2.675 down to 2.67 because 2.675 is stored as 2.67499…: a
 * school's mark must round half-up on the decimal it shows. So each number is read back as the
 * shortest decimal that round-trips (what `String(x)` prints) and the arithmetic is done on bigints.
 */

/** A non-negative decimal as `units / 10^scale`. */
interface Decimal {
  readonly units: bigint;
  readonly scale: number;
}

const TEN = 10n;

/**
 * A total summed in doubles can land just below the decimal it stands for (0.005 + 0.03 is
 * 0.034999999999999996): twelve significant digits are far more than any score carries and drop that
 * noise before the rounding sees it.
 */
const SIGNIFICANT_DIGITS = 12;

const decimalOf = (value: number, what: string): Decimal => {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${what} must be a finite non-negative number, got ${value}`);
  const [mantissa = '0', exponentText = '0'] = String(Number(value.toPrecision(SIGNIFICANT_DIGITS))).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const exponent = Number(exponentText);
  const scale = fraction.length - exponent;
  const digits = BigInt(whole + fraction);
  return scale >= 0 ? { units: digits, scale } : { units: digits * TEN ** BigInt(-scale), scale: 0 };
};

/** `numerator / denominator` rounded half-up to an integer (both non-negative, denominator > 0). */
const divideHalfUp = (numerator: bigint, denominator: bigint): bigint => (2n * numerator + denominator) / (2n * denominator);

/**
 * `total / max × 20`, half-up to hundredths, as an integer count of hundredths (1625 → 16,25).
 * A zero maximum has no mark: null.
 */
export const on20Hundredths = (total: number, max: number): bigint | null => {
  const t = decimalOf(total, 'total');
  const m = decimalOf(max, 'max');
  if (m.units === 0n) return null;
  // (t.units / 10^t.scale) / (m.units / 10^m.scale) × 2000 hundredths
  const numerator = t.units * TEN ** BigInt(m.scale) * 2000n;
  const denominator = m.units * TEN ** BigInt(t.scale);
  return divideHalfUp(numerator, denominator);
};

/** Any non-negative number half-up to hundredths (12.345 → 1235). */
export const toHundredths = (value: number): bigint => {
  const d = decimalOf(value, 'value');
  return d.scale <= 2 ? d.units * TEN ** BigInt(2 - d.scale) : divideHalfUp(d.units, TEN ** BigInt(d.scale - 2));
};

/**
 * Hundredths written without trailing zeros, with the given decimal mark: 1625 → "16,25",
 * 1250 → "12,5", 1200 → "12". Pronote reads all three; the shortest form is what a teacher types.
 */
export const formatHundredths = (hundredths: bigint, mark: ',' | '.'): string => {
  const whole = hundredths / 100n;
  const cents = hundredths % 100n;
  if (cents === 0n) return whole.toString();
  const fraction = cents.toString().padStart(2, '0').replace(/0$/, '');
  return `${whole}${mark}${fraction}`;
};

/** How many decimals the number shows when written shortest (1.5 → 1, 0.25 → 2, 3 → 0). */
export const decimalPlaces = (value: number): number => decimalOf(value, 'value').scale;

/** A number French-style, half-up to hundredths: 12.345 → "12,35". */
export const frenchNumber = (value: number): string => formatHundredths(toHundredths(value), ',');
