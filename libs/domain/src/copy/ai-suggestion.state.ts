import type { AiReviewDecision, AiSuggestionEvent } from './ai-suggestion.js';

/** What the copy decider needs to know of its AI requests: which one is pending, what each suggested and how it was reviewed. */
export type AiRequestState = Readonly<{
  status: 'pending' | 'produced' | 'failed';
  suggestions: Readonly<Record<string, number>>;
  reviews: Readonly<Record<string, Readonly<{ decision: AiReviewDecision; points?: number }>>>;
}>;
/** Per request id; `pending`: the one request without an outcome, if any. */
export type AiSuggestionsState = Readonly<{ requests: Readonly<Record<string, AiRequestState>>; pending: string | null }>;

export const initialAiSuggestionsState = (): AiSuggestionsState => ({ requests: {}, pending: null });

export const evolveAiSuggestions = (ai: AiSuggestionsState, event: AiSuggestionEvent): AiSuggestionsState => {
  const { requestId } = event.data;
  // Own-property lookup: a request id comes from a client (copy.guards' ownEntry, without its import cycle).
  const request = Object.hasOwn(ai.requests, requestId) ? ai.requests[requestId] : undefined;
  const put = (next: AiRequestState): AiSuggestionsState['requests'] => ({ ...ai.requests, [requestId]: next });
  switch (event.type) {
    case 'AiSuggestionRequested':
      return { requests: put({ status: 'pending', suggestions: {}, reviews: {} }), pending: requestId };
    case 'AiSuggestionProduced': {
      const suggestions = Object.fromEntries(event.data.suggestions.map((s) => [s.questionId, s.points]));
      return { requests: put({ status: 'produced', suggestions, reviews: {} }), pending: ai.pending === requestId ? null : ai.pending };
    }
    case 'AiSuggestionFailed':
      return { requests: put({ status: 'failed', suggestions: {}, reviews: {} }), pending: ai.pending === requestId ? null : ai.pending };
    case 'AiSuggestionReviewed': {
      if (!request) return ai;
      const { decision, points, questionId } = event.data;
      const review = points === undefined ? { decision } : { decision, points };
      return { ...ai, requests: put({ ...request, reviews: { ...request.reviews, [questionId]: review } }) };
    }
  }
};
