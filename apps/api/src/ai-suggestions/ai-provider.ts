import OpenAI from 'openai';
import type { AiFailure, GradingQuestion } from '#domain';
import { leafQuestions } from '#domain';
import type { AiConfig } from '../runtime/config.js';
import { SCHEMA_NAME, promptMessages, suggestionSchema } from './ai-prompt.js';

/** One call's answer: the model's text and what it cost. */
export interface ProviderAnswer {
  readonly content: string | null;
  readonly tokensIn: number;
  readonly tokensOut: number;
}

/** A failed call: `retryable` when waiting may help (timeout, 429, 5xx, connection). */
export class ProviderFailure extends Error {
  constructor(
    readonly failure: AiFailure,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(failure.message, options);
    this.name = 'ProviderFailure';
  }
}

/**
 * One call to an OpenAI-compatible vision model with a strict JSON schema. Retries are the queue's,
 * not the client's (maxRetries 0), so every attempt is counted and backed off in one place. The
 * deadline is our own abort signal, as in libs/ocr's vision reader: it works across realms.
 */
export class AiProvider {
  private readonly client: OpenAI;

  constructor(private readonly config: AiConfig) {
    this.client = new OpenAI({ apiKey: config.apiKey, baseURL: config.baseURL, timeout: config.timeoutMs + 5_000, maxRetries: 0 });
  }

  get model(): string {
    return this.config.model;
  }

  async suggest(input: { scale: readonly GradingQuestion[]; answerKey: string; images: readonly string[] }): Promise<ProviderAnswer> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.config.timeoutMs);
    try {
      const questionIds = leafQuestions(input.scale).map((question) => question.questionId);
      const completion = await this.client.chat.completions.create(
        {
          model: this.config.model,
          temperature: 0,
          max_completion_tokens: 4_000,
          response_format: {
            type: 'json_schema',
            json_schema: { name: SCHEMA_NAME, strict: true, schema: suggestionSchema(questionIds) as unknown as Record<string, unknown> },
          },
          messages: promptMessages(input),
        },
        { signal: deadline.signal },
      );
      const choice = completion.choices[0];
      return {
        content: choice?.message.refusal ? null : (choice?.message.content ?? null),
        tokensIn: completion.usage?.prompt_tokens ?? 0,
        tokensOut: completion.usage?.completion_tokens ?? 0,
      };
    } catch (error) {
      if (deadline.signal.aborted) {
        throw new ProviderFailure(
          { code: 'TIMEOUT', message: `pas de réponse du modèle en ${Math.round(this.config.timeoutMs / 100) / 10} s.` },
          true,
        );
      }
      throw classify(error);
    } finally {
      clearTimeout(timer);
    }
  }
}

const classify = (error: unknown): ProviderFailure => {
  if (error instanceof OpenAI.APIConnectionError)
    return new ProviderFailure({ code: 'UNREACHABLE', message: 'service IA injoignable.' }, true);
  if (error instanceof OpenAI.APIError) {
    const status = error.status;
    const retryable = status === undefined || status === 408 || status === 429 || status >= 500;
    const message = status === 429 ? 'le service IA est saturé (429).' : `le service IA a répondu ${status ?? 'une erreur'}.`;
    return new ProviderFailure({ code: 'PROVIDER_ERROR', message }, retryable);
  }
  // The teacher reads the reason: the programmer's detail goes to the log (the processor logs the cause).
  return new ProviderFailure({ code: 'PROVIDER_ERROR', message: 'erreur inattendue en appelant le service IA.' }, false, { cause: error });
};
