import OpenAI from 'openai';
import { INE_PATTERN, isCalendarDate } from '#domain';
import { parseHeaderDate, type HeaderFields } from './header-fields.js';
import type { HeaderReader, HeaderReading } from './read-header.js';

export interface VisionHeaderReaderOptions {
  /** An OpenAI-compatible endpoint, e.g. `http://localhost:11434/v1`; default OpenAI's. */
  baseURL?: string;
  apiKey: string;
  model: string;
  /** For a whole read, retries included (default 30 s). */
  timeoutMs?: number;
  /** Retries after a 429 or 5xx, within timeoutMs (default 1). */
  maxRetries?: number;
}

const FIELD = (description: string): object => ({ type: ['string', 'null'], description });
/** Strict structured output: the model must answer this object and nothing else. */
export const HEADER_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['lastName', 'firstName', 'className', 'birthDate', 'ine', 'confidence'],
  properties: {
    lastName: FIELD('Surname as written after "Nom", or null when absent or illegible'),
    firstName: FIELD('First name(s) as written after "Prénom", or null'),
    className: FIELD('Class as written after "Classe", e.g. "TG2", or null'),
    birthDate: FIELD('Birth date after "Né(e) le" as YYYY-MM-DD (the sheet writes day/month/year), or null'),
    ine: FIELD('11-character INE (identifiant national élève) when written, or null'),
    confidence: { type: 'number', description: 'How legible the header is, from 0 (illegible) to 1 (perfectly clear)' },
  },
} as const;

const INSTRUCTIONS = [
  'You read the identity header of a French school exam copy (printed labels, handwritten values).',
  'Copy each value exactly as written: keep accents, hyphens and capitals; never correct or invent a name.',
  'Use null for anything absent or that you cannot read with certainty.',
].join(' ');

/**
 * Reads a header through an OpenAI-compatible vision model. Off by default: it sends a minor's name
 * and birth date to a provider, which the school must decide. It never guesses and never throws for a
 * remote failure: a timeout, an HTTP error or an answer that is not the expected JSON becomes a reading
 * with confidence 0 and a French explanation as its text, which sends the copy to the desk.
 */
export class VisionHeaderReader implements HeaderReader {
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: VisionHeaderReaderOptions) {
    this.model = options.model;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    // The deadline is our own abort signal: the client's timeout error is recognised by its class, which
    // fails when fetch and the caller live in different realms (a vm context), an abort signal never does.
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      timeout: this.timeoutMs + 5_000,
      maxRetries: options.maxRetries ?? 1,
    });
  }

  get engine(): string {
    return `vision:${this.model}`;
  }

  async read(image: Buffer): Promise<HeaderReading> {
    if (this.closed) throw new Error('Le lecteur vision est fermé.');
    let content: string | null | undefined;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeoutMs);
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.model,
          temperature: 0,
          max_completion_tokens: 400,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'copy_header', strict: true, schema: HEADER_SCHEMA as unknown as Record<string, unknown> },
          },
          messages: [
            { role: 'system', content: INSTRUCTIONS },
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Header of the copy:' },
                { type: 'image_url', image_url: { url: `data:${mimeOf(image)};base64,${image.toString('base64')}`, detail: 'high' } },
              ],
            },
          ],
        },
        { signal: deadline.signal },
      );
      content = completion.choices[0]?.message.content;
    } catch (error) {
      return this.failed(deadline.signal.aborted ? `pas de réponse en ${this.timeoutMs} ms.` : remoteProblem(error));
    } finally {
      clearTimeout(timer);
    }
    const answer = parseAnswer(content);
    if (typeof answer === 'string') return this.failed(`${answer} Réponse reçue : ${JSON.stringify((content ?? '').slice(0, 200))}`);
    return { engine: this.engine, text: describe(answer.fields), confidence: answer.confidence, fields: answer.fields };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private failed(explanation: string): HeaderReading {
    return { engine: this.engine, text: `Lecture par le modèle vision impossible : ${explanation}`, confidence: 0, fields: {} };
  }
}

/** The answer's fields, or why it is unusable. Values are checked, never repaired into a guess. */
function parseAnswer(content: string | null | undefined): { fields: HeaderFields; confidence: number } | string {
  if (!content) return 'réponse vide ou refusée.';
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return 'la réponse n’est pas du JSON.';
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'la réponse n’est pas un objet JSON.';
  const answer = raw as Record<string, unknown>;
  const confidence = answer.confidence;
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1)
    return 'indice de confiance absent ou hors de 0..1.';
  const fields: HeaderFields = {};
  for (const key of ['lastName', 'firstName', 'className', 'birthDate', 'ine'] as const) {
    const value = answer[key];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string' || value.length > 100) return `champ « ${key} » invalide.`;
    if (value.trim() !== '') fields[key] = value.normalize('NFC').trim().replace(/\s+/g, ' ');
  }
  if (fields.birthDate !== undefined) {
    const iso = isCalendarDate(fields.birthDate) ? fields.birthDate : parseHeaderDate(fields.birthDate);
    if (iso) fields.birthDate = iso;
    else delete fields.birthDate;
  }
  if (fields.ine !== undefined) {
    const ine = fields.ine.replace(/\s/g, '').toUpperCase();
    if (INE_PATTERN.test(ine)) fields.ine = ine;
    else delete fields.ine;
  }
  return { fields, confidence };
}

function remoteProblem(error: unknown): string {
  if (error instanceof OpenAI.APIConnectionError) return 'service injoignable.';
  if (error instanceof OpenAI.APIError) return `le service a répondu ${error.status ?? 'une erreur'}.`;
  return error instanceof Error ? error.message : String(error);
}

/** What the desk shows as the read text. */
function describe(fields: HeaderFields): string {
  const parts: [string, string | undefined][] = [
    ['Nom', fields.lastName],
    ['Prénom', fields.firstName],
    ['Classe', fields.className],
    ['Né(e) le', fields.birthDate],
    ['INE', fields.ine],
  ];
  return parts.map(([label, value]) => `${label} : ${value ?? '—'}`).join('\n');
}

function mimeOf(image: Buffer): string {
  if (image[0] === 0xff && image[1] === 0xd8) return 'image/jpeg';
  if (image.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  return 'image/png';
}
