import type { GradingQuestion } from '#domain';

/**
 * What the model is sent for a copy (issue 6): instructions, the grading scale, the exam's answer key,
 * and the page images. Nothing here names the student: the copy is "the copy", its first page comes
 * masked, and neither its anonymous code nor any id leaves the server.
 */
export interface PromptInput {
  /** The exam's whole scale: the tree gives the model each question's label and context. */
  readonly scale: readonly GradingQuestion[];
  readonly answerKey: string;
  /** Data URLs, in reading order. */
  readonly images: readonly string[];
}

/** Strict structured output: one suggestion per scored question, closed to the scale's question ids. */
export const suggestionSchema = (questionIds: readonly string[]) => ({
  type: 'object',
  additionalProperties: false,
  required: ['suggestions', 'comment'],
  properties: {
    suggestions: {
      type: 'array',
      description: 'Exactly one entry per scored question of the grading scale',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['questionId', 'points', 'justification', 'confidence'],
        properties: {
          questionId: { type: 'string', enum: [...questionIds] },
          points: { type: 'number', description: 'Between 0 and the question’s maximum, a multiple of its step (or the maximum itself)' },
          justification: { type: 'string', description: 'One or two sentences in French, at most 600 characters' },
          confidence: { type: 'number', description: 'From 0 (a guess) to 1 (certain)' },
        },
      },
    },
    comment: { type: 'string', description: 'A short general comment on the copy in French, at most 2000 characters' },
  },
});

export const SCHEMA_NAME = 'copy_score_suggestions';

const INSTRUCTIONS = [
  'You help a French teacher grade a handwritten mock-exam copy ("bac blanc"). The pages of the copy follow as images.',
  'Suggest a score for every scored question of the grading scale, on its step, never above its maximum, with a short justification in French and your confidence.',
  'Judge only what is written on the pages; when an answer is absent, suggest 0. The teacher decides: your suggestion is never the grade by itself.',
  'The header of the first page is masked on purpose: never try to identify the student.',
].join(' ');

/** The scale as indented lines: `id — label (max N pts, pas S)`, scored questions marked. */
const describeScale = (questions: readonly GradingQuestion[], depth = 0): string[] =>
  questions.flatMap((question) => {
    const line = `${'  '.repeat(depth)}- ${question.questionId} — ${question.label} (max ${question.maxPoints} pts${question.children ? '' : `, pas ${question.step}, à noter`})`;
    return [line, ...(question.children ? describeScale(question.children, depth + 1) : [])];
  });

export const promptMessages = ({ scale, answerKey, images }: PromptInput) => [
  { role: 'system' as const, content: INSTRUCTIONS },
  {
    role: 'user' as const,
    content: [
      { type: 'text' as const, text: `Barème :\n${describeScale(scale).join('\n')}` },
      {
        type: 'text' as const,
        text: answerKey.trim() === '' ? 'Pas de corrigé fourni : jugez sur le barème.' : `Corrigé de l’examen :\n${answerKey.trim()}`,
      },
      { type: 'text' as const, text: `La copie (${images.length} page${images.length > 1 ? 's' : ''}) :` },
      ...images.map((url) => ({ type: 'image_url' as const, image_url: { url, detail: 'high' as const } })),
    ],
  },
];
