import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { VisionHeaderReader } from './vision-reader.js';

/** A local OpenAI-compatible server: records each request and answers as the test says. */
interface Received {
  path: string;
  authorization: string | undefined;
  body: {
    model: string;
    response_format: {
      type: string;
      json_schema: { name: string; strict: boolean; schema: { properties: Record<string, unknown>; required: string[] } };
    };
    messages: { role: string; content: string | { type: string; image_url?: { url: string } }[] }[];
  };
}
let answer: (response: ServerResponse) => void = () => undefined;
const received: Received[] = [];
const slowAnswers: NodeJS.Timeout[] = [];
let server: Server;
let baseURL: string;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
      });
      answer(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  slowAnswers.forEach(clearTimeout);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => (received.length = 0));

const IMAGE = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('header pixels')]);
const reader = (timeoutMs = 5000): VisionHeaderReader =>
  new VisionHeaderReader({ baseURL, apiKey: 'test-key', model: 'local-vision', timeoutMs, maxRetries: 0 });

describe('a well-formed answer', () => {
  it('sends the image and the JSON schema, and returns the fields', async () => {
    answer = completion({
      lastName: 'DUPONT-MARTIN',
      firstName: 'Jean-Étienne',
      className: 'TG2',
      birthDate: '2008-05-17',
      ine: null,
      confidence: 0.92,
    });
    const reading = await reader().read(IMAGE);

    expect(reading).toEqual({
      engine: 'vision:local-vision',
      text: 'Nom : DUPONT-MARTIN\nPrénom : Jean-Étienne\nClasse : TG2\nNé(e) le : 2008-05-17\nINE : —',
      confidence: 0.92,
      fields: { lastName: 'DUPONT-MARTIN', firstName: 'Jean-Étienne', className: 'TG2', birthDate: '2008-05-17' },
    });
    const [request] = received;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.authorization).toBe('Bearer test-key');
    expect(request?.body.model).toBe('local-vision');
    expect(request?.body.response_format.type).toBe('json_schema');
    expect(request?.body.response_format.json_schema.strict).toBe(true);
    expect(request?.body.response_format.json_schema.schema.required.sort()).toEqual([
      'birthDate',
      'className',
      'confidence',
      'firstName',
      'ine',
      'lastName',
    ]);
    const parts = request?.body.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []));
    const url = parts?.find((p) => p.type === 'image_url')?.image_url?.url ?? '';
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    expect(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64').equals(IMAGE)).toBe(true);
  });
  it('normalises a date written the French way and an INE in lower case, drops what does not parse', async () => {
    answer = completion({
      lastName: 'Roche',
      firstName: 'Océane',
      className: null,
      birthDate: '29/05/2008',
      ine: '120456789ab',
      confidence: 0.7,
    });
    expect((await reader().read(IMAGE)).fields).toEqual({
      lastName: 'Roche',
      firstName: 'Océane',
      birthDate: '2008-05-29',
      ine: '120456789AB',
    });
    answer = completion({ lastName: 'Roche', firstName: null, className: null, birthDate: 'vers mai', ine: '12', confidence: 0.4 });
    expect((await reader().read(IMAGE)).fields).toEqual({ lastName: 'Roche' });
  });
});

describe('an answer that cannot be trusted', () => {
  it.each([
    ['prose instead of JSON', 'Je pense que c’est DUPONT Jean.', /pas du JSON/],
    ['a JSON array', '["DUPONT"]', /pas un objet JSON/],
    [
      'a number for a name',
      JSON.stringify({ lastName: 12, firstName: null, className: null, birthDate: null, ine: null, confidence: 0.9 }),
      /champ « lastName » invalide/,
    ],
    ['no confidence', JSON.stringify({ lastName: 'DUPONT', firstName: 'Jean', className: null, birthDate: null, ine: null }), /confiance/],
    ['an empty answer', '', /vide/],
  ])('reads %s as confidence 0 with an explanation and no field', async (_, content, explanation) => {
    answer = rawCompletion(content);
    const reading = await reader().read(IMAGE);
    expect(reading.confidence).toBe(0);
    expect(reading.fields).toEqual({});
    expect(reading.text).toMatch(/^Lecture par le modèle vision impossible/);
    expect(reading.text).toMatch(explanation);
  });
  it('gives up on a slow answer after its timeout', async () => {
    answer = (response) => {
      slowAnswers.push(
        setTimeout(
          () => completion({ lastName: 'TROP', firstName: 'Tard', className: null, birthDate: null, ine: null, confidence: 1 })(response),
          3000,
        ),
      );
    };
    const reading = await reader(300).read(IMAGE);
    expect(reading).toMatchObject({ confidence: 0, fields: {} });
    expect(reading.text).toMatch(/pas de réponse en 300 ms/);
  });
  it('reports an HTTP error of the service', async () => {
    answer = (response) =>
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'boom' } }));
    const reading = await reader().read(IMAGE);
    expect(reading).toMatchObject({ confidence: 0, fields: {} });
    expect(reading.text).toMatch(/a répondu 500/);
  });
  it('refuses to read once closed', async () => {
    const closed = reader();
    await closed.close();
    await expect(closed.read(IMAGE)).rejects.toThrow(/fermé/);
    expect(received).toEqual([]);
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

function completion(fields: Record<string, unknown>): (response: ServerResponse) => void {
  return rawCompletion(JSON.stringify(fields));
}
function rawCompletion(content: string): (response: ServerResponse) => void {
  return (response) =>
    response.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-test',
        object: 'chat.completion',
        created: 1_700_000_000,
        model: 'local-vision',
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }),
    );
}
