import cliProgress from 'cli-progress';
import { formatBytes, formatCount, formatDuration } from './format.js';

export type ProgressUnit = 'events' | 'bytes' | 'blobs';

/** One phase of a command (reading the store, verifying the archive, rebuilding read models…). */
export interface ProgressTask {
  /** Moves the counter to `value` (absolute). */
  update(value: number): void;
  increment(by?: number): void;
  setTotal(total: number | null): void;
  /** The phase is over: its line stays on screen with its final figures. */
  done(): void;
}

/**
 * Where commands report what they are doing: bars on a terminal, plain lines in a log, nothing in
 * tests. Everything goes to stderr so that stdout only carries the final summary.
 */
export interface Progress {
  /** `total` null: not known in advance (the counter still moves). */
  start(label: string, total: number | null, unit?: ProgressUnit): ProgressTask;
  log(line: string): void;
  close(): void;
}

const valueOf = (value: number, unit: ProgressUnit): string => (unit === 'bytes' ? formatBytes(value) : formatCount(value));

const progressLine = (label: string, value: number, total: number | null, unit: ProgressUnit, startedAt: number, barWidth = 0): string => {
  const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
  const rate = value / seconds;
  const ratio = total ? Math.min(1, value / total) : null;
  const bar = barWidth > 0 && ratio !== null ? `[${'█'.repeat(Math.round(ratio * barWidth)).padEnd(barWidth, '░')}] ` : '';
  const percent = ratio !== null ? `${Math.floor(ratio * 100)}% `.padStart(5) : '';
  const amount =
    total !== null
      ? `${valueOf(value, unit)}/${valueOf(total, unit)} ${unit === 'bytes' ? '' : unit}`
      : `${valueOf(value, unit)} ${unit === 'bytes' ? '' : unit}`;
  // A phase that was already complete when it started has no meaningful rate.
  const speed = seconds < 0.5 ? '' : ` · ${valueOf(rate, unit)}${unit === 'bytes' ? '' : ` ${unit}`}/s`;
  const eta = ratio !== null && ratio > 0 && ratio < 1 && rate > 0 ? ` · eta ${formatDuration((total! - value) / rate)}` : '';
  return `${label.padEnd(12)} ${bar}${percent}${amount.trimEnd()}${speed}${eta} · ${formatDuration(seconds)}`;
};

/** Bars (cli-progress) for an operator watching a terminal. */
const terminalProgress = (stream: NodeJS.WriteStream): Progress => {
  const bars = new cliProgress.MultiBar({
    stream,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 8,
    forceRedraw: true,
  });
  let active = 0;
  return {
    start(label, total, unit = 'events') {
      let known = total;
      let value = 0;
      const startedAt = Date.now();
      const bar = bars.create(known ?? 0, 0, {}, { format: () => progressLine(label, value, known, unit, startedAt, 30) });
      active++;
      let finished = false;
      return {
        update(next) {
          value = next;
          bar.update(next);
        },
        increment(by = 1) {
          value += by;
          bar.update(value);
        },
        setTotal(next) {
          known = next;
          bar.setTotal(next ?? 0);
        },
        done() {
          if (finished) return;
          finished = true;
          bar.update(value);
          bar.stop();
          active--;
        },
      };
    },
    log(line) {
      if (active > 0) bars.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    close() {
      bars.stop();
    },
  };
};

/** Plain lines for logs and pipes: one line per phase every few seconds, and one when it ends. */
const lineProgress = (stream: NodeJS.WritableStream, everyMs = 5000): Progress => ({
  start(label, total, unit = 'events') {
    let known = total;
    let value = 0;
    let finished = false;
    const startedAt = Date.now();
    const print = (): void => void stream.write(`${progressLine(label, value, known, unit, startedAt)}\n`);
    const timer = setInterval(print, everyMs);
    timer.unref();
    return {
      update: (next) => void (value = next),
      increment: (by = 1) => void (value += by),
      setTotal: (next) => void (known = next),
      done() {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        print();
      },
    };
  },
  log: (line) => void stream.write(`${line}\n`),
  close: () => undefined,
});

export const silentProgress: Progress = {
  start: () => ({ update: () => undefined, increment: () => undefined, setTotal: () => undefined, done: () => undefined }),
  log: () => undefined,
  close: () => undefined,
};

/** Bars on a terminal, lines otherwise. */
export const createProgress = (stream: NodeJS.WriteStream = process.stderr): Progress =>
  stream.isTTY ? terminalProgress(stream) : lineProgress(stream);
