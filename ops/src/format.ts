/** Figures for operators: grouped thousands, human sizes and durations (one way to print them). */

export const formatCount = (value: number | bigint): string =>
  typeof value === 'bigint' ? value.toLocaleString('en-US') : Math.round(value).toLocaleString('en-US');

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

export const formatBytes = (bytes: number): string => {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 || value >= 100 ? Math.round(value) : value.toFixed(1)} ${UNITS[unit]}`;
};

export const formatDuration = (seconds: number): string => {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
};

export const formatRate = (count: number, seconds: number, unit = 'events'): string =>
  `${formatCount(seconds > 0 ? count / seconds : count)} ${unit}/s`;
