/** A figure of the final table. `bar` is a minimum: a ratio (`x`) or an absolute rate (`/s`). */
export interface Row {
  readonly measure: string;
  readonly korrigo: string;
  readonly anchor: string;
  readonly ratio: string;
  readonly bar: string;
  readonly ok: string;
}

export const rate = (events: number, ms: number): number => (events * 1000) / ms;

export const formatRate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en-US')} ev/s`;

/** A row comparing Korrigo with its anchor; `minRatio` or `minRate` is the bar when given. */
export const compare = (
  measure: string,
  korrigo: number,
  anchor: number | null,
  bar: { minRatio?: number; minRate?: number } = {},
): Row => {
  const ratio = anchor ? korrigo / anchor : null;
  let barText = '—';
  let ok = '—';
  if (bar.minRatio !== undefined) {
    barText = `≥ ${bar.minRatio}×`;
    ok = ratio !== null && ratio >= bar.minRatio ? 'yes' : 'NO';
  } else if (bar.minRate !== undefined) {
    barText = `≥ ${bar.minRate.toLocaleString('en-US')} ev/s`;
    ok = korrigo >= bar.minRate ? 'yes' : 'NO';
  }
  return {
    measure,
    korrigo: formatRate(korrigo),
    anchor: anchor === null ? '—' : formatRate(anchor),
    ratio: ratio === null ? '—' : `${ratio.toFixed(2)}×`,
    bar: barText,
    ok,
  };
};

export const renderTable = (rows: readonly Row[]): string => {
  const header: Row = { measure: 'measure', korrigo: 'korrigo', anchor: 'anchor', ratio: 'ratio', bar: 'bar', ok: 'ok' };
  const keys = Object.keys(header) as (keyof Row)[];
  const widths = keys.map((key) => Math.max(...[header, ...rows].map((row) => row[key].length)));
  const line = (row: Row): string => `| ${keys.map((key, i) => row[key].padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
};

/** Runs `writers` loops concurrently for `ms`; each call of `step` returns how many events it wrote. */
const runConcurrent = async (
  writers: number,
  ms: number,
  step: (writer: number) => Promise<number>,
): Promise<{ events: number; ms: number }> => {
  let events = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      while (performance.now() < deadline) {
        const written = await step(writer); // not `events += await …`: that reads `events` before the await and loses the other writers' counts
        events += written;
      }
    }),
  );
  return { events, ms: performance.now() - start };
};

/**
 * Korrigo and its anchor in alternating slices (K A A K K A A K, after an untimed warm-up of each),
 * so that a machine whose load drifts during the run weighs on both alike. Returns events/s of each.
 */
export const compareInterleaved = async (
  writers: number,
  ms: number,
  korrigo: (writer: number) => Promise<number>,
  anchor: (writer: number) => Promise<number>,
): Promise<{ korrigo: number; anchor: number }> => {
  const warmUp = Math.min(1000, ms / 4);
  await runConcurrent(writers, warmUp, korrigo);
  await runConcurrent(writers, warmUp, anchor);
  const totals = { korrigo: { events: 0, ms: 0 }, anchor: { events: 0, ms: 0 } };
  for (const side of ['korrigo', 'anchor', 'anchor', 'korrigo', 'korrigo', 'anchor', 'anchor', 'korrigo'] as const) {
    const slice = await runConcurrent(writers, ms / 4, side === 'korrigo' ? korrigo : anchor);
    totals[side].events += slice.events;
    totals[side].ms += slice.ms;
  }
  return { korrigo: rate(totals.korrigo.events, totals.korrigo.ms), anchor: rate(totals.anchor.events, totals.anchor.ms) };
};

/** Progress on stderr: rewritten in place on a terminal, a line every few seconds otherwise. */
export const progress = (): { update(text: string): void; done(text: string): void } => {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update: (text) => {
      const now = Date.now();
      if (now - last < (tty ? 250 : 5000)) return;
      last = now;
      process.stderr.write(tty ? `\r${text}\x1b[K` : `${text}\n`);
    },
    done: (text) => process.stderr.write(tty ? `\r${text}\x1b[K\n` : `${text}\n`),
  };
};
