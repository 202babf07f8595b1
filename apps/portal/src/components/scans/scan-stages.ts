import type { ScanFieldsFragment, ScanStage } from '@/graphql/generated';
import { currentLocale } from '@/i18n';

/**
 * The import pipeline as the exam office follows it (DESIGN §7): the steps in order, and how far a
 * scan is along them. The API's done/total count within the current step (pages rendered, headers
 * read, copies matched), so the overall bar gives each step an equal share.
 */
export type ScanView = ScanFieldsFragment;

export const PIPELINE_STEPS = ['RENDERING', 'SPLITTING', 'READING', 'MATCHING'] as const satisfies readonly ScanStage[];
export type PipelineStep = (typeof PIPELINE_STEPS)[number];

const FINISHED: ReadonlySet<ScanStage> = new Set(['COMPLETED', 'FAILED', 'REJECTED']);
export const isFinished = (scan: Pick<ScanView, 'stage'>): boolean => FINISHED.has(scan.stage);

/** The failed step, read from the problem (the API names steps in lower case; 'importing' is the split's end). */
const failedStep = (scan: ScanView): PipelineStep | null => {
  const stage = scan.problem?.stage?.toUpperCase();
  if (stage === 'IMPORTING') return 'SPLITTING';
  return PIPELINE_STEPS.find((step) => step === stage) ?? null;
};

/** Where each step of the scan stands, for the step list. */
export type StepState = 'done' | 'current' | 'failed' | 'waiting';
export const stepStates = (scan: ScanView): Record<PipelineStep, StepState> => {
  const states = {} as Record<PipelineStep, StepState>;
  const current =
    scan.stage === 'FAILED'
      ? failedStep(scan)
      : scan.stage === 'UPLOADED'
        ? 'RENDERING'
        : (PIPELINE_STEPS.find((s) => s === scan.stage) ?? null);
  const at = current ? PIPELINE_STEPS.indexOf(current) : scan.stage === 'COMPLETED' ? PIPELINE_STEPS.length : -1;
  PIPELINE_STEPS.forEach((step, index) => {
    if (scan.stage === 'REJECTED') states[step] = 'waiting';
    else if (index < at) states[step] = 'done';
    else if (index === at) states[step] = scan.stage === 'FAILED' ? 'failed' : 'current';
    else states[step] = 'waiting';
  });
  return states;
};

/** 0..1 of the whole import; null when there is nothing to measure (refused upload). */
export const overallShare = (scan: ScanView): number | null => {
  if (scan.stage === 'REJECTED') return null;
  if (scan.stage === 'COMPLETED') return 1;
  const states = stepStates(scan);
  const done = PIPELINE_STEPS.filter((step) => states[step] === 'done').length;
  const within = scan.total > 0 ? Math.min(1, scan.done / scan.total) : 0;
  return Math.min(1, (done + (scan.stage === 'FAILED' ? 0 : within)) / PIPELINE_STEPS.length);
};

/** A file size for people: 1,4 Mo / 1.4 MB. */
export const formatBytes = (bytes: number): string => {
  const french = currentLocale() === 'fr';
  const units = french ? ['o', 'ko', 'Mo', 'Go'] : ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${new Intl.NumberFormat(french ? 'fr-FR' : 'en-GB', { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
};
