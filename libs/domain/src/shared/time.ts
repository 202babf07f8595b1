/** The one date helper: ISO strings in, ISO strings out. */
export const addMinutes = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
export const addSeconds = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();
/** True when `a` is at or after `b`. */
export const atOrAfter = (a: string, b: string): boolean => Date.parse(a) >= Date.parse(b);
export const isIsoDate = (value: string): boolean => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
