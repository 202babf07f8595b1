import { describe, expect, it } from 'vitest';
import { overallShare, stepStates, type ScanView } from './scan-stages';

describe('where a scan stands in the pipeline', () => {
  it('counts the current step’s progress within an equal share per step', () => {
    const reading = scan({ stage: 'READING', done: 2, total: 8 });
    expect(stepStates(reading)).toEqual({ RENDERING: 'done', SPLITTING: 'done', READING: 'current', MATCHING: 'waiting' });
    expect(overallShare(reading)).toBeCloseTo((2 + 2 / 8) / 4);
  });

  it('shows a scan waiting for the pipeline on its first step', () => {
    expect(stepStates(scan({ stage: 'UPLOADED' })).RENDERING).toBe('current');
    expect(overallShare(scan({ stage: 'UPLOADED', done: 0, total: 16 }))).toBe(0);
  });

  it('marks the step a failed import stopped at, from the problem the API names in lower case', () => {
    const failed = scan({
      stage: 'FAILED',
      done: 16,
      total: 16,
      problem: { code: 'OCR_FAILED', reason: 'x', page: null, stage: 'reading' },
    });
    expect(stepStates(failed)).toEqual({ RENDERING: 'done', SPLITTING: 'done', READING: 'failed', MATCHING: 'waiting' });
    expect(overallShare(failed)).toBe(0.5);
    const importing = scan({ stage: 'FAILED', problem: { code: 'X', reason: 'x', page: null, stage: 'importing' } });
    expect(stepStates(importing).SPLITTING).toBe('failed');
  });

  it('has no progress for a refused upload and is whole once completed', () => {
    expect(overallShare(scan({ stage: 'REJECTED' }))).toBeNull();
    expect(Object.values(stepStates(scan({ stage: 'REJECTED' })))).toEqual(['waiting', 'waiting', 'waiting', 'waiting']);
    expect(overallShare(scan({ stage: 'COMPLETED', done: 8, total: 8 }))).toBe(1);
    expect(Object.values(stepStates(scan({ stage: 'COMPLETED' })))).toEqual(['done', 'done', 'done', 'done']);
  });
});

function scan(overrides: Partial<ScanView>): ScanView {
  return {
    scanId: 's1',
    examId: 'e1',
    fileName: 'classe.pdf',
    mode: 'CLASS',
    size: 1000,
    pageCount: 16,
    pagesPerCopy: 2,
    stage: 'RENDERING',
    done: 0,
    total: 16,
    pagesRendered: 0,
    copyCount: 8,
    headersRead: 0,
    autoIdentified: null,
    leftToDesk: null,
    warnings: [],
    uploadedAt: '2026-02-12T08:00:00Z',
    completedAt: null,
    problem: null,
    ...overrides,
  };
}
