import { CSRF_COOKIE, CSRF_HEADER, readCookie } from '@/graphql/client';

export type GradeExportFormat = 'pronote' | 'csv' | 'xlsx';

export interface GradeExportChoice {
  readonly format: GradeExportFormat;
  /** Pronote only; empty: the server's default (1). */
  readonly coefficient: string;
  /** Pronote only; empty: the exam's subject. */
  readonly subject: string;
}

/** A refusal with the server's own words: 409 while finalised copies are unidentified, 400 for a bad option. */
export class GradeExportRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The download URL: Pronote options only with Pronote (the server refuses them otherwise). */
export const gradeExportUrl = (examId: string, choice: GradeExportChoice): string => {
  const params = new URLSearchParams({ format: choice.format });
  if (choice.format === 'pronote') {
    if (choice.coefficient.trim()) params.set('coefficient', choice.coefficient.trim());
    if (choice.subject.trim()) params.set('subject', choice.subject.trim());
  }
  return `/api/exports/exams/${encodeURIComponent(examId)}/grades?${params.toString()}`;
};

/**
 * Fetches the file (not a plain link: the export writes an audit event, so it carries the CSRF
 * header like any other write, and a refusal can be shown in the page) and names it as the server did.
 */
export const fetchGradeExport = async (examId: string, choice: GradeExportChoice): Promise<{ fileName: string; blob: Blob }> => {
  const token = readCookie(CSRF_COOKIE);
  const response = await fetch(gradeExportUrl(examId, choice), {
    credentials: 'same-origin',
    headers: token ? { [CSRF_HEADER]: token } : {},
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: string; message?: string } | null;
    throw new GradeExportRefused(response.status, body?.error ?? 'INTERNAL_SERVER_ERROR', body?.message ?? '');
  }
  const fileName = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'notes';
  return { fileName, blob: await response.blob() };
};

/** Hands a fetched file to the browser's downloads. */
export const saveFile = (blob: Blob, fileName: string): void => {
  const href = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = href;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click starts the download from the URL: it may only be revoked afterwards.
  setTimeout(() => URL.revokeObjectURL(href), 0);
};
