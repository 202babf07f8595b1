import type { CopyFlagReason, ExamCopiesQuery } from '@/graphql/generated';
import { ApiError } from '@/graphql/errors';
import type { MessageKey } from '@/i18n/use-t';

/** What the exam office may do to one copy from the copies table (the API's admin-only mutations). */
export type CopyAction = 'reopen' | 'reassign' | 'flag';
export type ActionCopy = ExamCopiesQuery['copies'][number];
/** A corrector the copy may be given to: the exam's correctors (Exam.correctors). */
export interface CorrectorChoice {
  readonly userId: string;
  readonly displayName: string;
  readonly active: boolean;
  readonly current: boolean;
}

export const FLAG_REASONS: readonly CopyFlagReason[] = ['MISSING_PAGES', 'BLANK_PAGES', 'DUPLICATE_PAGES', 'NO_HEADER', 'OTHER'];
/** The domain's limits (MAX_COPY_REASON_LENGTH, MAX_COPY_NOTE_LENGTH), checked here before asking. */
export const REASON_MAX = 500;
export const NOTE_MAX = 2000;

type Translate = (key: MessageKey, named?: Record<string, string | number>) => string;

/** Reopening only makes sense for a finalised copy; reassigning is offered otherwise, the dialog says why it may be refused. */
export const actionsFor = (copy: ActionCopy, t: Translate): { key: CopyAction; label: string; danger?: boolean }[] => [
  ...(copy.status === 'FINALISED' ? [{ key: 'reopen' as const, label: t('copyActions.reopen.button'), danger: true }] : []),
  ...(copy.status !== 'FINALISED' ? [{ key: 'reassign' as const, label: t('copyActions.reassign.button') }] : []),
  { key: 'flag', label: t('copyActions.flag.button') },
];

/** The correctors a copy may go to: current, active, and not the one who has it. */
export const otherCorrectors = (copy: ActionCopy, correctors: readonly CorrectorChoice[]): CorrectorChoice[] =>
  correctors.filter((corrector) => corrector.current && corrector.active && corrector.userId !== copy.correctorId);

/**
 * A refusal in French. The copy decider's refusals (CONFLICT, VALIDATION) carry English developer
 * text, so the dialog says what they mean for this action instead; the reassignment handler's
 * BAD_USER_INPUT is already a French sentence for people and is shown as is.
 */
export const describeRefusal = (action: CopyAction, error: unknown, t: Translate): string => {
  if (!(error instanceof ApiError)) return t('errors.INTERNAL');
  if (error.code === 'CONFLICT') return t(`copyActions.${action}.conflict`);
  if (error.code === 'BAD_USER_INPUT')
    return action === 'reassign' && error.serverMessage ? `${t('errors.BAD_USER_INPUT')} ${error.serverMessage}` : t('copyActions.invalid');
  return t(`errors.${error.code}`);
};
