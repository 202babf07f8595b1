import { decimalPlaces, formatHundredths, frenchNumber, on20Hundredths, toHundredths } from './decimal.js';

describe('a mark out of 20', () => {
  it.each([
    [16.25, 20, '16,25'],
    [12.345, 20, '12,35'],
    [2.675, 20, '2,68'], // as a double 2.675 is 2.67499…: a float round gives 2,67
    [1.005, 20, '1,01'],
    [0.125, 20, '0,13'],
    [7, 30, '4,67'],
    [5, 30, '3,33'],
    [12, 20, '12'],
    [6.25, 10, '12,5'],
    [0, 20, '0'],
    [40, 40, '20'],
    [13.375, 40, '6,69'], // 6.6875 → 6,69
    [1.0725, 2, '10,73'], // 10.725 exactly: half-up
  ])('%s out of %s is %s', (total, max, expected) => {
    expect(formatHundredths(on20Hundredths(total, max)!, ',')).toBe(expected);
  });

  it('reads a total summed in doubles as the decimal it stands for', () => {
    expect(0.005 + 0.03).toBeLessThan(0.035);
    expect(formatHundredths(toHundredths(0.005 + 0.03), ',')).toBe('0,04');
    expect(formatHundredths(on20Hundredths(0.7 + 0.1, 20)!, ',')).toBe('0,8');
  });

  it('has no value for a scale worth no points', () => {
    expect(on20Hundredths(0, 0)).toBeNull();
  });

  it('refuses a negative or endless number', () => {
    expect(() => on20Hundredths(-1, 20)).toThrow(RangeError);
    expect(() => on20Hundredths(1, Number.NaN)).toThrow(RangeError);
  });
});

describe('a number written French-style', () => {
  it('rounds half-up to hundredths and drops trailing zeros', () => {
    expect([12.345, 2.675, 0.5, 3, 1e-7, 1234567.891].map(frenchNumber)).toEqual(['12,35', '2,68', '0,5', '3', '0', '1234567,89']);
  });

  it('writes hundredths with the mark asked for', () => {
    expect(formatHundredths(toHundredths(0.05), '.')).toBe('0.05');
    expect(formatHundredths(1625n, '.')).toBe('16.25');
  });

  it('counts the decimals a number shows', () => {
    expect([0.5, 0.25, 2, 0.125, 1e-7].map(decimalPlaces)).toEqual([1, 2, 0, 3, 7]);
  });
});
