import { currentLocale } from './i18n';

/**
 * The portal's one place for dates, durations and points (STYLE: one date helper). Reading the
 * locale here makes a template that formats re-render when the language changes.
 */
const tag = (): string => (currentLocale() === 'fr' ? 'fr-FR' : 'en-GB');

export const formatDateTime = (iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';

/** With seconds: audit events can be a second apart. */
export const formatTimestamp = (iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(tag(), { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso)) : '—';

/** A calendar date (YYYY-MM-DD from the API) without time-zone drift. */
export const formatDate = (value: string | null | undefined): string => {
  if (!value) return '—';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : new Date(value);
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'long', timeZone: match ? 'UTC' : undefined }).format(date);
};

export const formatTime = (iso: string | null | undefined): string =>
  iso ? new Intl.DateTimeFormat(tag(), { timeStyle: 'short' }).format(new Date(iso)) : '—';

/** Points with at most two decimals and the locale's decimal mark (15,5 in French). */
export const formatPoints = (value: number | null | undefined, digits = 2): string =>
  value === null || value === undefined || Number.isNaN(value)
    ? '—'
    : new Intl.NumberFormat(tag(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(value);

/** A lease left, as m:ss (or h:mm:ss past an hour); never negative. */
export const formatDuration = (seconds: number): string => {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
};
