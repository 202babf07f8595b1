import { type AiFailure, checkAiAnswer, isAiFailure, onScale, parseAiAnswer } from './ai-answer.js';
import type { GradingScaleSnapshot } from './grading.js';

const SCALE: GradingScaleSnapshot = {
  version: 3,
  questions: [
    { questionId: 'q1a', maxPoints: 4, step: 0.5 },
    { questionId: 'q1b', maxPoints: 6, step: 0.25 },
    { questionId: 'q2', maxPoints: 5, step: 2 },
  ],
};

describe('a model answer that fits the grading scale', () => {
  it('is kept in the scale’s order, texts trimmed', () => {
    const answer = parseAiAnswer(
      JSON.stringify({
        suggestions: [suggestion('q2', 5), suggestion('q1b', 4.75), suggestion('q1a', 3.5, ' Bonne démarche. ')],
        comment: ' Copie soignée. ',
      }),
      SCALE,
    );
    expect(answer).toEqual({
      suggestions: [suggestion('q1a', 3.5, 'Bonne démarche.'), suggestion('q1b', 4.75), suggestion('q2', 5)],
      comment: 'Copie soignée.',
    });
  });
  it('accepts zero, the maximum off the step, and the step’s multiples', () => {
    const q2 = SCALE.questions[2]!;
    expect([0, 2, 4, 5].map((points) => onScale(points, q2))).toEqual([true, true, true, true]);
    expect([1, 3, 5.5, -0, Number.NaN].map((points) => onScale(points, q2))).toEqual([false, false, false, true, false]);
  });
});

describe('a model answer that cannot be trusted', () => {
  it.each([
    ['prose instead of JSON', 'La copie vaut 12.', 'NOT_JSON', /pas du JSON/],
    ['nothing at all', '', 'EMPTY', /vide/],
    ['an array', '[]', 'MALFORMED', /objet JSON/],
    ['no comment', JSON.stringify({ suggestions: all() }), 'MALFORMED', /commentaire/],
    ['a question missing', answer(all().slice(0, 2)), 'MISSING_QUESTION', /q2/],
    ['a question the scale does not have', answer([...all(), suggestion('q9', 1)]), 'UNKNOWN_QUESTION', /« q9 »/],
    ['a question twice', answer([...all(), suggestion('q1a', 1)]), 'DUPLICATE_QUESTION', /« q1a »/],
    ['points above the maximum', answer([suggestion('q1a', 4.5), ...all().slice(1)]), 'OUT_OF_RANGE', /« q1a » : 4.5 hors de 0 à 4/],
    ['negative points', answer([suggestion('q1a', -1), ...all().slice(1)]), 'OUT_OF_RANGE', /« q1a »/],
    ['points off the step', answer([...all().slice(0, 2), suggestion('q2', 3)]), 'OFF_STEP', /« q2 » : 3 .*pas 2/],
    ['points as text', answer([{ ...suggestion('q1a', 1), points: '1' }, ...all().slice(1)]), 'MALFORMED', /« q1a »/],
    ['a confidence above 1', answer([{ ...suggestion('q1a', 1), confidence: 1.2 }, ...all().slice(1)]), 'BAD_CONFIDENCE', /« q1a »/],
    ['a justification too long', answer([suggestion('q1a', 1, 'x'.repeat(601)), ...all().slice(1)]), 'TOO_LONG', /« q1a »/],
  ])('refuses %s with a reason, never a clamped value', (_, content, code, message) => {
    const result = parseAiAnswer(content, SCALE);
    expect(isAiFailure(result)).toBe(true);
    expect((result as AiFailure).code).toBe(code);
    expect((result as AiFailure).message).toMatch(message);
  });
  it('checks already-parsed suggestions the same way', () => {
    expect(checkAiAnswer({ suggestions: all().slice(1), comment: '' }, SCALE)).toEqual({
      code: 'MISSING_QUESTION',
      message: 'question(s) sans suggestion : q1a.',
    });
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

function suggestion(questionId: string, points: number, justification = 'Résultat juste.') {
  return { questionId, points, justification, confidence: 0.8 };
}
function all() {
  return [suggestion('q1a', 2), suggestion('q1b', 3.25), suggestion('q2', 4)];
}
function answer(suggestions: unknown[]): string {
  return JSON.stringify({ suggestions, comment: 'RAS' });
}
