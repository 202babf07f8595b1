import { Module } from '@nestjs/common';
import { AiSuggestionProcessor } from './ai-suggestion.processor.js';
import { AiSuggestionsResolver } from './ai-suggestions.resolver.js';
import { AnswerKeyResolver } from './answer-key.resolver.js';
import { DefineAnswerKeyHandler } from './define-answer-key.handler.js';
import { RequestAiSuggestionsHandler } from './request-ai-suggestions.handler.js';
import { ReviewAiSuggestionHandler } from './review-ai-suggestion.handler.js';

/**
 * AI-suggested scores (issue 6): off unless OPENAI_API_KEY and OPENAI_MODEL are set. Requests run in
 * a bounded queue with retries and a per-exam rate; outcomes and reviews are copy events.
 */
@Module({
  providers: [
    AiSuggestionProcessor,
    RequestAiSuggestionsHandler,
    ReviewAiSuggestionHandler,
    DefineAnswerKeyHandler,
    AiSuggestionsResolver,
    AnswerKeyResolver,
  ],
  exports: [AiSuggestionProcessor],
})
export class AiSuggestionsModule {}
