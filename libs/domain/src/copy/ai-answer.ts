import type { GradingScaleSnapshot, ScaleQuestion } from './grading.js';

/**
 * What a vision model may suggest for a copy, and the check its answer goes through before anything
 * is recorded. The answer is refused as a whole with a reason naming the question, never repaired:
 * a clamped or rounded suggestion would look like the model's opinion when it is ours.
 */
export type AiQuestionSuggestion = Readonly<{ questionId: string; points: number; justification: string; confidence: number }>;
export type AiAnswer = Readonly<{ suggestions: readonly AiQuestionSuggestion[]; comment: string }>;

/** Why a request ended without suggestions: the answer's own codes, then the provider's. */
export type AiFailureCode =
  | 'NOT_JSON'
  | 'MALFORMED'
  | 'UNKNOWN_QUESTION'
  | 'MISSING_QUESTION'
  | 'DUPLICATE_QUESTION'
  | 'OUT_OF_RANGE'
  | 'OFF_STEP'
  | 'BAD_CONFIDENCE'
  | 'TOO_LONG'
  | 'EMPTY'
  | 'TIMEOUT'
  | 'PROVIDER_ERROR'
  | 'UNREACHABLE'
  | 'NO_IMAGE'
  | 'INTERRUPTED';
export type AiFailure = Readonly<{ code: AiFailureCode; message: string }>;

export const AI_FAILURE_CODES: readonly AiFailureCode[] = [
  'NOT_JSON',
  'MALFORMED',
  'UNKNOWN_QUESTION',
  'MISSING_QUESTION',
  'DUPLICATE_QUESTION',
  'OUT_OF_RANGE',
  'OFF_STEP',
  'BAD_CONFIDENCE',
  'TOO_LONG',
  'EMPTY',
  'TIMEOUT',
  'PROVIDER_ERROR',
  'UNREACHABLE',
  'NO_IMAGE',
  'INTERRUPTED',
];

export const MAX_AI_JUSTIFICATION_LENGTH = 600;
export const MAX_AI_COMMENT_LENGTH = 2_000;

const EPSILON = 1e-9;
const chars = (text: string): number => [...text].length;
const fail = (code: AiFailureCode, message: string): AiFailure => ({ code, message });

/** Whether `points` is an allowed score of the question: in [0, max], on the step or the maximum itself. */
export const onScale = (points: number, { maxPoints, step }: ScaleQuestion): boolean => {
  if (!Number.isFinite(points) || points < -EPSILON || points > maxPoints + EPSILON) return false;
  const steps = points / step;
  return Math.abs(steps - Math.round(steps)) < 1e-6 || Math.abs(points - maxPoints) < EPSILON;
};

/**
 * Checks already-parsed suggestions against the scale: every scored question exactly once, no other,
 * points on the scale, confidence in [0, 1], texts within their caps. The copy decider runs it again
 * on what the processor records, so a suggestion that reaches an event has passed it.
 */
export const checkAiAnswer = (raw: unknown, scale: GradingScaleSnapshot): AiAnswer | AiFailure => {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('MALFORMED', 'la réponse n’est pas un objet JSON.');
  const { suggestions, comment } = raw as Record<string, unknown>;
  if (!Array.isArray(suggestions)) return fail('MALFORMED', 'la liste « suggestions » manque.');
  if (typeof comment !== 'string') return fail('MALFORMED', 'le commentaire général manque.');
  if (chars(comment) > MAX_AI_COMMENT_LENGTH)
    return fail('TOO_LONG', `commentaire général de plus de ${MAX_AI_COMMENT_LENGTH} caractères.`);
  const byId = new Map(scale.questions.map((question) => [question.questionId, question]));
  const seen = new Set<string>();
  const checked: AiQuestionSuggestion[] = [];
  for (const item of suggestions as unknown[]) {
    if (typeof item !== 'object' || item === null) return fail('MALFORMED', 'une suggestion n’est pas un objet.');
    const { questionId, points, justification, confidence } = item as Record<string, unknown>;
    if (typeof questionId !== 'string') return fail('MALFORMED', 'une suggestion n’a pas de question.');
    const question = byId.get(questionId);
    if (!question) return fail('UNKNOWN_QUESTION', `question « ${questionId.slice(0, 64)} » inconnue du barème.`);
    if (seen.has(questionId)) return fail('DUPLICATE_QUESTION', `question « ${questionId} » suggérée deux fois.`);
    seen.add(questionId);
    if (typeof points !== 'number' || !Number.isFinite(points)) return fail('MALFORMED', `question « ${questionId} » : points absents.`);
    if (points < 0 || points > question.maxPoints + EPSILON)
      return fail('OUT_OF_RANGE', `question « ${questionId} » : ${points} hors de 0 à ${question.maxPoints}.`);
    if (!onScale(points, question))
      return fail('OFF_STEP', `question « ${questionId} » : ${points} n’est pas un multiple du pas ${question.step}.`);
    if (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))
      return fail('BAD_CONFIDENCE', `question « ${questionId} » : confiance absente ou hors de 0 à 1.`);
    if (typeof justification !== 'string') return fail('MALFORMED', `question « ${questionId} » : justification absente.`);
    if (chars(justification) > MAX_AI_JUSTIFICATION_LENGTH)
      return fail('TOO_LONG', `question « ${questionId} » : justification de plus de ${MAX_AI_JUSTIFICATION_LENGTH} caractères.`);
    checked.push({ questionId, points, justification: justification.trim(), confidence });
  }
  const missing = scale.questions.filter((question) => !seen.has(question.questionId)).map((question) => question.questionId);
  if (missing.length > 0) return fail('MISSING_QUESTION', `question(s) sans suggestion : ${missing.join(', ')}.`);
  const order = new Map(scale.questions.map((question, index) => [question.questionId, index]));
  checked.sort((a, b) => order.get(a.questionId)! - order.get(b.questionId)!);
  return { suggestions: checked, comment: comment.trim() };
};

/** The model's raw text: JSON first, then the checks above. */
export const parseAiAnswer = (content: string | null | undefined, scale: GradingScaleSnapshot): AiAnswer | AiFailure => {
  if (!content || content.trim() === '') return fail('EMPTY', 'réponse vide ou refusée par le modèle.');
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return fail('NOT_JSON', 'la réponse n’est pas du JSON.');
  }
  return checkAiAnswer(raw, scale);
};

export const isAiFailure = (value: AiAnswer | AiFailure): value is AiFailure => 'code' in value;
