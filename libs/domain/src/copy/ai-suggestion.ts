import { DomainError, type DomainErrorCode, illegalState, notFound, validation } from '../shared/domain-error.js';
import type { Command, CommandMetadata, Event } from '../shared/event.js';
import { AI_FAILURE_CODES, type AiFailure, type AiQuestionSuggestion, checkAiAnswer, isAiFailure } from './ai-answer.js';
import type { AwardScore } from './copy.commands.js';
import { allow, correcting, ownEntry, requiredText } from './copy.guards.js';
import type { AiRequestState } from './ai-suggestion.state.js';
import type { CopyState } from './copy.state.js';
import { type GradingScaleSnapshot, checkScale } from './grading.js';

/**
 * AI-suggested scores on a copy (issue 6). A request is recorded before the provider is called, so a
 * crash leaves a request without outcome, which the processor later closes as interrupted. The model
 * never scores: the lock holder reviews each suggestion, and accepting or editing one is also the
 * ordinary AwardScore, decided by the same rules in the same append (one canonical score).
 */
export type AiReviewDecision = 'accepted' | 'edited' | 'dismissed';
export const AI_REVIEW_DECISIONS: readonly AiReviewDecision[] = ['accepted', 'edited', 'dismissed'];

export type AiSuggestionRequested = Event<
  'AiSuggestionRequested',
  { copyId: string; examId: string; requestId: string; by: string; model: string }
>;
export type AiSuggestionProduced = Event<
  'AiSuggestionProduced',
  {
    copyId: string;
    requestId: string;
    model: string;
    scaleVersion: number;
    suggestions: readonly AiQuestionSuggestion[];
    comment: string;
    tokensIn: number;
    tokensOut: number;
    latencyMs: number;
    attempts: number;
  }
>;
export type AiSuggestionFailed = Event<
  'AiSuggestionFailed',
  /** Tokens count too: a malformed answer was still paid for. */
  {
    copyId: string;
    requestId: string;
    model: string;
    reason: AiFailure;
    tokensIn: number;
    tokensOut: number;
    latencyMs: number;
    attempts: number;
  }
>;
/** `points`: what was awarded for an accepted or edited suggestion (after the scale's rounding). */
export type AiSuggestionReviewed = Event<
  'AiSuggestionReviewed',
  { copyId: string; requestId: string; questionId: string; decision: AiReviewDecision; points?: number; by: string }
>;
export type AiSuggestionEvent = AiSuggestionRequested | AiSuggestionProduced | AiSuggestionFailed | AiSuggestionReviewed;

/** `requestId` is made by the API: a retried request is harmless. */
export type RequestAiSuggestion = Command<'RequestAiSuggestion', { requestId: string; model: string }>;
/** From the processor (role system), with the scale the request was answered on. */
export type RecordAiSuggestion = Command<
  'RecordAiSuggestion',
  {
    requestId: string;
    model: string;
    scale: GradingScaleSnapshot;
    suggestions: readonly AiQuestionSuggestion[];
    comment: string;
    tokensIn: number;
    tokensOut: number;
    latencyMs: number;
    attempts: number;
  }
>;
export type RecordAiSuggestionFailure = Command<
  'RecordAiSuggestionFailure',
  { requestId: string; model: string; reason: AiFailure; tokensIn: number; tokensOut: number; latencyMs: number; attempts: number }
>;
/** `points` is required when edited; `scale` is the exam's current scale, loaded by the handler. */
export type ReviewAiSuggestion = Command<
  'ReviewAiSuggestion',
  { requestId: string; questionId: string; decision: AiReviewDecision; points?: number; scale: GradingScaleSnapshot }
>;
export type AiSuggestionCommand = RequestAiSuggestion | RecordAiSuggestion | RecordAiSuggestionFailure | ReviewAiSuggestion;

/**
 * The copy's guard (copy.guards) speaks to programmers; a teacher meets its refusals in the AI panel,
 * which shows the server's words as they are, so they are told here in French. The guard stays the
 * one rule: only its message changes, by the code it throws.
 */
const IN_FRENCH: Readonly<Partial<Record<DomainErrorCode, string>>> = {
  FORBIDDEN: 'Vous n’avez pas la main sur cette copie : reprenez-la d’abord.',
  CONFLICT: 'Votre bail sur cette copie a expiré : reprenez la main.',
  ILLEGAL_STATE: 'Cette copie est finalisée : un administrateur doit la rouvrir avant toute modification.',
};
const correctingInFrench = (copy: CopyState, metadata: CommandMetadata): void => {
  try {
    correcting(copy, metadata);
  } catch (error) {
    const message = error instanceof DomainError ? IN_FRENCH[error.code] : undefined;
    if (error instanceof DomainError && message) throw new DomainError(error.code, message, error.details);
    throw error;
  }
};

/** `award` is the copy decider's AwardScore, so an accepted suggestion is scored by the one rule that scores. */
export const decideAiSuggestion = <E extends { type: string }>(
  command: AiSuggestionCommand,
  copy: CopyState,
  copyId: string,
  award: (command: AwardScore) => E[],
): (AiSuggestionEvent | E)[] => {
  const { metadata } = command;
  const requestId = requiredText(command.data.requestId, 'requestId', 64);
  const request = ownEntry(copy.ai.requests, requestId);
  switch (command.type) {
    case 'RequestAiSuggestion': {
      correctingInFrench(copy, metadata);
      if (request) return []; // the same request sent again
      if (copy.ai.pending !== null) throw illegalState('Une demande de suggestions est déjà en cours pour cette copie.');
      const model = requiredText(command.data.model, 'model');
      return [{ type: 'AiSuggestionRequested', data: { copyId, examId: copy.examId ?? '', requestId, by: metadata.actorId, model } }];
    }
    case 'RecordAiSuggestion': {
      allow(metadata, 'system');
      const outcome = awaitingOutcome(request);
      if (outcome === 'done') return [];
      const { scale, model, comment } = command.data;
      checkScale(scale);
      const answer = checkAiAnswer({ suggestions: command.data.suggestions, comment }, scale);
      if (isAiFailure(answer)) throw validation(`suggestions refusées : ${answer.message}`, { code: answer.code });
      const figures = measures(command.data);
      return [
        {
          type: 'AiSuggestionProduced',
          data: {
            copyId,
            requestId,
            model,
            scaleVersion: scale.version,
            suggestions: answer.suggestions,
            comment: answer.comment,
            ...figures,
          },
        },
      ];
    }
    case 'RecordAiSuggestionFailure': {
      allow(metadata, 'system');
      if (awaitingOutcome(request) === 'done') return [];
      const { reason, model } = command.data;
      if (!AI_FAILURE_CODES.includes(reason?.code)) throw validation('unknown failure code', { field: 'reason' });
      const message = requiredText(reason.message, 'reason', 1_000);
      const figures = measures(command.data);
      return [{ type: 'AiSuggestionFailed', data: { copyId, requestId, model, reason: { code: reason.code, message }, ...figures } }];
    }
    case 'ReviewAiSuggestion':
      return review(command, copy, copyId, metadata, award);
  }
};

const review = <E extends { type: string }>(
  command: ReviewAiSuggestion,
  copy: CopyState,
  copyId: string,
  metadata: CommandMetadata,
  award: (command: AwardScore) => E[],
): (AiSuggestionReviewed | E)[] => {
  correctingInFrench(copy, metadata);
  const { requestId, questionId, decision, scale } = command.data;
  const request = ownEntry(copy.ai.requests, requestId);
  if (!request) throw notFound('Demande de suggestions introuvable.');
  if (request.status !== 'produced') throw illegalState('Cette demande n’a pas produit de suggestions.');
  const suggested = ownEntry(request.suggestions, questionId);
  if (suggested === undefined) throw notFound(`Pas de suggestion pour la question ${questionId}.`, { questionId });
  if (!AI_REVIEW_DECISIONS.includes(decision)) throw validation(`unknown decision: ${String(decision)}`, { field: 'decision' });
  const by = metadata.actorId;
  if (decision === 'dismissed') {
    if (ownEntry(request.reviews, questionId)?.decision === 'dismissed') return [];
    return [{ type: 'AiSuggestionReviewed', data: { copyId, requestId, questionId, decision, by } }];
  }
  if (!scale.questions.some((question) => question.questionId === questionId)) {
    throw illegalState(`La question ${questionId} n’est plus dans le barème : notez-la dans le barème actuel.`, { questionId });
  }
  const wanted = decision === 'accepted' ? suggested : command.data.points;
  if (typeof wanted !== 'number' || !Number.isFinite(wanted)) {
    throw validation('Indiquez un nombre de points pour modifier la suggestion.', { field: 'points' });
  }
  const scored = award({ type: 'AwardScore', data: { questionId, points: wanted, scale }, metadata });
  const points = scoredPoints(scored) ?? ownEntry(copy.scores, questionId)?.points ?? wanted;
  const previous = ownEntry(request.reviews, questionId);
  if (previous?.decision === decision && previous.points === points && scored.length === 0) return [];
  return [{ type: 'AiSuggestionReviewed', data: { copyId, requestId, questionId, decision, points, by } }, ...scored];
};

const scoredPoints = (events: readonly { type: string }[]): number | undefined =>
  (events.find((event) => event.type === 'ScoreAwarded') as { data: { points: number } } | undefined)?.data.points;

/** An outcome is recorded once: 'done' when it already was (a retried write), NOT_FOUND with no request. */
const awaitingOutcome = (request: AiRequestState | undefined): 'pending' | 'done' => {
  if (!request) throw notFound('Demande de suggestions introuvable.');
  return request.status === 'pending' ? 'pending' : 'done';
};

const measures = (data: { tokensIn: number; tokensOut: number; latencyMs: number; attempts: number }) => {
  for (const field of ['tokensIn', 'tokensOut', 'latencyMs', 'attempts'] as const) {
    const value = data[field];
    if (!Number.isInteger(value) || value < 0) throw validation(`${field} must be a whole number`, { field });
  }
  return { tokensIn: data.tokensIn, tokensOut: data.tokensOut, latencyMs: data.latencyMs, attempts: data.attempts };
};
