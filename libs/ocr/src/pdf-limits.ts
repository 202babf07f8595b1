/**
 * What an uploaded scan may be (DESIGN §7: validate before anything is imported) and the coded,
 * French-worded refusals the inspector and the renderer throw. The sentences are shown to the exam
 * office as they are: they say what is wrong and, when the fix is theirs, what to do.
 */

export type ScanRejectionCode =
  | 'EMPTY_FILE'
  | 'NOT_A_PDF'
  | 'TRUNCATED'
  | 'CORRUPT'
  | 'ENCRYPTED'
  | 'PASSWORD_PROTECTED'
  | 'TOO_LARGE'
  | 'TOO_MANY_PAGES'
  | 'NO_PAGES'
  | 'PAGE_TOO_LARGE'
  | 'RENDER_TIMEOUT'
  | 'RENDER_MEMORY'
  | 'ACTIVE_CONTENT'; // JavaScript / launch actions / embedded files: refused, never executed

export class ScanRejectedError extends Error {
  readonly page?: number;

  constructor(
    readonly code: ScanRejectionCode,
    /** French, for a person. */
    readonly reason: string,
    options: { page?: number; cause?: unknown } = {},
  ) {
    super(`${code}: ${reason}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ScanRejectedError';
    if (options.page !== undefined) this.page = options.page;
  }
}

export interface ScanLimits {
  maxBytes: number;
  maxPages: number;
  /** At the render dpi. */
  maxPagePixels: number;
  /** Largest side of a page. */
  maxPageSizeMm: number;
  /** Per page, document opening included for a worker's first page of a file. */
  renderTimeoutMs: number;
  /** `resourceLimits.maxOldGenerationSizeMb` of a render worker. */
  maxWorkerMemoryMb: number;
}

export const defaultScanLimits: ScanLimits = Object.freeze({
  maxBytes: 300 * 1024 * 1024,
  maxPages: 1000,
  maxPagePixels: 40_000_000,
  maxPageSizeMm: 600,
  renderTimeoutMs: 20_000,
  maxWorkerMemoryMb: 1024,
});

export const scanLimits = (overrides: Partial<ScanLimits> = {}): ScanLimits => {
  const limits = { ...defaultScanLimits, ...overrides };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`scan limit ${key} must be a positive number, got ${value}`);
  }
  return limits;
};

/**
 * The largest image a page may hold, in pixels: a 600 dpi A3 scan (70 MP) passes, a decompression
 * bomb does not. Four times the page budget because an image is drawn scaled down to the page.
 */
export const maxImagePixels = (limits: ScanLimits): number => limits.maxPagePixels * 4;

const RESEND = 'renumérisez ou renvoyez le fichier.';
const fileSize = (bytes: number): string =>
  bytes < 10 * 1024
    ? `${bytes} octets`
    : bytes < 10 * 1024 * 1024
      ? `${Math.ceil(bytes / 1024)} Ko`
      : `${Math.ceil(bytes / (1024 * 1024))} Mo`;
const millimetres = (mm: number): string => `${Math.round(mm)}`;

/** Every refusal's sentence, in one place. */
export const rejection = {
  empty: () => new ScanRejectedError('EMPTY_FILE', 'Le fichier est vide.'),
  notPdf: (kind?: string) =>
    new ScanRejectedError('NOT_A_PDF', kind ? `Ce fichier n’est pas un PDF (c’est ${kind}).` : 'Ce fichier n’est pas un PDF.'),
  truncated: () => new ScanRejectedError('TRUNCATED', `Le PDF est tronqué (fin de fichier manquante) : ${RESEND}`),
  corrupt: (cause?: unknown) => new ScanRejectedError('CORRUPT', `Le PDF est endommagé et ne peut pas être lu : ${RESEND}`, { cause }),
  tooComplex: (cause?: unknown) =>
    new ScanRejectedError('CORRUPT', `La structure du PDF est anormalement complexe et n’a pas pu être analysée : ${RESEND}`, { cause }),
  corruptPage: (page: number, cause?: unknown) =>
    new ScanRejectedError('CORRUPT', `La page ${page} est endommagée et ne peut pas être affichée : ${RESEND}`, { page, cause }),
  encrypted: () =>
    new ScanRejectedError('ENCRYPTED', 'Le PDF est chiffré : enregistrez-le ou numérisez-le sans protection, puis renvoyez-le.'),
  passwordProtected: () =>
    new ScanRejectedError(
      'PASSWORD_PROTECTED',
      'Le PDF est protégé par un mot de passe : enregistrez-le sans mot de passe, puis renvoyez-le.',
    ),
  tooLarge: (size: number, max: number) =>
    new ScanRejectedError('TOO_LARGE', `Le fichier est trop volumineux (${fileSize(size)} > ${fileSize(max)}).`),
  tooManyPages: (count: number, max: number) => new ScanRejectedError('TOO_MANY_PAGES', `Trop de pages (${count} > ${max}).`),
  noPages: () => new ScanRejectedError('NO_PAGES', 'Le PDF ne contient aucune page.'),
  pageTooLarge: (page: number, widthMm: number, heightMm: number, maxMm: number) =>
    new ScanRejectedError(
      'PAGE_TOO_LARGE',
      `Page ${page} trop grande (${millimetres(widthMm)} × ${millimetres(heightMm)} mm, ${maxMm} mm au plus).`,
      { page },
    ),
  pageTooManyPixels: (page: number, megapixels: number, maxMegapixels: number) =>
    new ScanRejectedError(
      'PAGE_TOO_LARGE',
      `Page ${page} trop grande pour être affichée (${megapixels.toFixed(0)} mégapixels, ${maxMegapixels.toFixed(0)} au plus).`,
      { page },
    ),
  renderTimeout: (page: number, timeoutMs: number) =>
    new ScanRejectedError(
      'RENDER_TIMEOUT',
      `La page ${page} est trop longue à afficher (plus de ${Math.ceil(timeoutMs / 1000)} s) : ${RESEND}`,
      { page },
    ),
  renderMemory: (page: number, cause?: unknown) =>
    new ScanRejectedError(
      'RENDER_MEMORY',
      `La page ${page} est trop lourde à afficher (image démesurée ou mémoire insuffisante) : ${RESEND}`,
      { page, cause },
    ),
  activeContent: (what: 'script' | 'attachment') =>
    new ScanRejectedError(
      'ACTIVE_CONTENT',
      what === 'attachment'
        ? 'Le PDF contient des fichiers joints : refusé par sécurité.'
        : 'Le PDF contient du JavaScript ou des actions automatiques : refusé par sécurité.',
    ),
};
