import { DomainError, type ScanState } from '#domain';
import { type RosterEntry, matchRoster, parseHeaderFields } from '#ocr';
import { IdentifyCopyCommand } from '../../copies/identification/identify-copy.command.js';
import { mapLimited } from '../../shared/command-context.js';
import { ApiError } from '../../shared/errors.js';
import { takenElsewhere } from './exam-roster.js';
import { PIPELINE_ACTOR, type ScanRun } from './pipeline-context.js';
import { identificationDecided, isDiscarded, loadCopies } from './scan-copies.js';

/** Identifications under way at once. */
const PARALLEL = 8;

/**
 * Matches the scan's read headers against the roster in one batch (each student at most one copy,
 * students identified on the exam's other copies excluded) and identifies the copies the matcher is
 * sure of, as the system ('auto'). A copy someone already identified or cleared is never touched;
 * a student reserved meanwhile by someone else (CONFLICT) leaves the copy to the desk.
 * Answers the counts for ScanIdentified.
 */
export const matchCopies = async (
  run: ScanRun,
  scan: ScanState,
  roster: readonly RosterEntry[],
): Promise<{ auto: number; desk: number }> => {
  run.stage = 'matching';
  const examId = scan.examId!;
  const copies = (await loadCopies(run.runtime, scan.copies ?? [])).filter((copy) => !isDiscarded(copy));
  const taken = await takenElsewhere(run.runtime, examId, run.scanId);
  for (const copy of copies) if (copy.state.studentId) taken.add(copy.state.studentId);
  const open = copies.filter((copy) => copy.state.header !== null && !identificationDecided(copy));
  const inputs = open.map((copy) => ({
    copyId: copy.copyId,
    fields: run.fields.get(copy.copyId) ?? parseHeaderFields(copy.state.header!.text),
    text: copy.state.header!.text,
    confidence: copy.state.header!.confidence,
  }));
  const results = inputs.length > 0 ? matchRoster(inputs, [...roster], { ...thresholds(run), takenStudentIds: taken }) : [];
  const sure = results.flatMap((result) =>
    result.decision.kind === 'auto' ? [{ copyId: result.copyId, studentId: result.decision.studentId }] : [],
  );
  // A few at a time: each identification waits for the read models, and the matcher gives every copy a
  // different student, so they touch different streams (copy and student reservation) and never race.
  await mapLimited(sure, PARALLEL, async ({ copyId, studentId }) => {
    try {
      await run.commands.execute(new IdentifyCopyCommand(PIPELINE_ACTOR, copyId, studentId));
    } catch (error) {
      // Someone identified this student or this copy first: the desk sorts it out.
      if (!(error instanceof DomainError) && !(error instanceof ApiError && error.extensions.code === 'CONFLICT')) throw error;
    }
  });
  const now = (await loadCopies(run.runtime, scan.copies ?? [])).filter((copy) => !isDiscarded(copy));
  return {
    auto: now.filter((copy) => copy.state.identificationMethod === 'auto').length,
    desk: now.filter((copy) => copy.state.studentId === null).length,
  };
};

const thresholds = (run: ScanRun) => ({ threshold: run.runtime.config.scans.matchThreshold, margin: run.runtime.config.scans.matchMargin });
