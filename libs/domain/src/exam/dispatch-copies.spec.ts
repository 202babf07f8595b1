import { dispatchCopies, type Assignment } from './dispatch-copies.js';

describe('dispatching copies to correctors', () => {
  const copies = Array.from({ length: 29 }, (_, i) => `copy-${String(i + 1).padStart(2, '0')}`);
  const correctors = ['prof-bernard', 'prof-nguyen', 'prof-lefevre'];

  it('gives every copy to exactly one assigned corrector', () => {
    const assignments = dispatchCopies(copies, correctors, 'run-1');
    expect(assignments.map((a) => a.copyId)).toEqual(copies);
    expect(assignments.every((a) => correctors.includes(a.correctorId))).toBe(true);
  });

  it('is fair: counts differ by at most one', () => {
    for (const runId of ['run-1', 'run-2', 'run-3', 'run-4']) {
      expect(spread(counts(dispatchCopies(copies, correctors, runId)))).toBeLessThanOrEqual(1);
    }
  });

  it('is reproducible from the run id, whatever order the ids come in', () => {
    const once = dispatchCopies(copies, correctors, 'run-1');
    expect(dispatchCopies([...copies].reverse(), [...correctors].reverse(), 'run-1')).toEqual(once);
  });

  it('is random: another run id gives another draw', () => {
    expect(dispatchCopies(copies, correctors, 'run-2')).not.toEqual(dispatchCopies(copies, correctors, 'run-1'));
  });

  it('does not hand the first copies of the pile to the same corrector', () => {
    const firstTen = dispatchCopies(copies, correctors, 'run-1').slice(0, 10);
    expect(new Set(firstTen.map((a) => a.correctorId)).size).toBeGreaterThan(1);
  });

  it('keeps copies in progress with their corrector and balances the rest around them', () => {
    const keep: Assignment[] = [
      { copyId: 'copy-01', correctorId: 'prof-nguyen' },
      { copyId: 'copy-02', correctorId: 'prof-nguyen' },
      { copyId: 'copy-03', correctorId: 'prof-bernard' },
    ];
    const assignments = dispatchCopies(copies, [...correctors, 'prof-roux'], 'rebalance-1', keep);
    for (const kept of keep) expect(assignments).toContainEqual(kept);
    expect(spread(counts(assignments))).toBeLessThanOrEqual(1);
  });

  it('gives free copies to the least loaded when kept work is uneven', () => {
    const keep = ['copy-01', 'copy-02', 'copy-03', 'copy-04'].map((copyId) => ({ copyId, correctorId: 'prof-bernard' }));
    const result = counts(dispatchCopies(copies.slice(0, 6), ['prof-bernard', 'prof-nguyen'], 'run-1', keep));
    expect(result).toEqual({ 'prof-bernard': 4, 'prof-nguyen': 2 });
  });

  it('dispatches again a kept copy whose corrector left the exam', () => {
    const [assignment] = dispatchCopies(['copy-01'], ['prof-roux'], 'run-1', [{ copyId: 'copy-01', correctorId: 'prof-parti' }]);
    expect(assignment).toEqual({ copyId: 'copy-01', correctorId: 'prof-roux' });
  });

  it('refuses to dispatch without a corrector', () => {
    expect(() => dispatchCopies(copies, [], 'run-1')).toThrow(/no corrector/);
  });
});

function counts(assignments: Assignment[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const { correctorId } of assignments) result[correctorId] = (result[correctorId] ?? 0) + 1;
  return result;
}
function spread(byCorrector: Record<string, number>): number {
  const values = Object.values(byCorrector);
  return Math.max(...values) - Math.min(...values);
}
