import { Command } from '@nestjs/cqrs';
import type { AiReviewDecision } from '#domain';
import type { Actor } from '../shared/execute-command.js';

/** The lock holder asks for suggestions on a copy: recorded, then queued (the answer lands later). */
export class RequestAiSuggestionsCommand extends Command<{ requestId: string }> {
  constructor(
    readonly copyId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** The lock holder accepts, edits or dismisses one suggestion; accepting or editing also scores. */
export class ReviewAiSuggestionCommand extends Command<{ changed: boolean }> {
  constructor(
    readonly copyId: string,
    readonly actor: Actor,
    readonly review: { requestId: string; questionId: string; decision: AiReviewDecision; points?: number },
  ) {
    super();
  }
}

export class DefineAnswerKeyCommand extends Command<{ changed: boolean }> {
  constructor(
    readonly examId: string,
    readonly actor: Actor,
    readonly text: string,
  ) {
    super();
  }
}
