import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the fake provider received, parsed, with the raw text (to search it for a name) and its own handling time. */
export interface ReceivedCall {
  readonly path: string;
  readonly authorization: string | undefined;
  readonly raw: string;
  readonly body: {
    model: string;
    response_format: { type: string; json_schema: { name: string; strict: boolean; schema: Record<string, unknown> } };
    messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
  };
}

export type Answer = (call: ReceivedCall, response: ServerResponse) => void;

/**
 * A local OpenAI-compatible server for the AI specs and benchmark: records each chat completion and
 * answers as the test says (`answer`), on 127.0.0.1 and a free port. `handlingMs` is the time from the
 * request's last byte to the answer's end, the provider's own share of a round trip.
 */
export class FakeOpenAi {
  readonly calls: ReceivedCall[] = [];
  readonly handlingMs: number[] = [];
  answer: Answer = (_call, response) => response.writeHead(500).end();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: Server;

  get baseURL(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const received = process.hrtime.bigint();
        response.on('finish', () => this.handlingMs.push(Number(process.hrtime.bigint() - received) / 1e6));
        const raw = Buffer.concat(chunks).toString('utf8');
        const call = {
          path: request.url ?? '',
          authorization: request.headers.authorization,
          raw,
          body: JSON.parse(raw) as ReceivedCall['body'],
        };
        this.calls.push(call);
        this.answer(call, response);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** Runs `then` after `ms`, cancelled when the server stops (a slow provider). */
  later(ms: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      then();
    }, ms);
    this.timers.add(timer);
  }

  async stop(): Promise<void> {
    this.timers.forEach(clearTimeout);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** The image data URLs of a call, in order. */
export const imagesOf = (call: ReceivedCall): string[] =>
  call.body.messages
    .flatMap((message) => (Array.isArray(message.content) ? message.content : []))
    .flatMap((part) => part.image_url?.url ?? []);

/** A chat completion whose message is `content`, as OpenAI answers it. */
export const completion =
  (content: string, usage = { prompt_tokens: 1500, completion_tokens: 120 }): Answer =>
  (_call, response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'local-vision',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
      }),
    );

export const httpError =
  (status: number): Answer =>
  (_call, response) =>
    response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `status ${status}` } }));
