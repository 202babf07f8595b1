import { createHash } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import { encodeCanvas } from '#ocr';
import type { ApiClient } from './api-harness.js';
import { ok } from './school-fixtures.js';

/** Builders for the specs about files leaving Korrigo: corrected PDFs, class ZIPs, grade exports and their journal. */

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The session and CSRF cookies, as a browser sends them with a file request. */
export const cookieOf = (client: ApiClient): string =>
  ['korrigo_session', 'korrigo_csrf'].flatMap((name) => (client.cookie(name) ? [`${name}=${client.cookie(name)}`] : [])).join('; ');

/** A GET of a file route as the portal sends it: the cookies (none for null), and the CSRF header when asked. */
export const getFile = (base: string, client: ApiClient | null, target: string, options: { csrf?: boolean } = {}): Promise<Response> => {
  const cookie = client ? cookieOf(client) : '';
  const csrf = client?.cookie('korrigo_csrf');
  return fetch(`${base}${target}`, {
    headers: {
      ...(cookie ? { cookie } : {}),
      ...(csrf && options.csrf ? { 'x-csrf-token': decodeURIComponent(csrf) } : {}),
    },
  });
};

/** A small A4 page: a dark name band in the header (unless masked) and answer lines below. */
export const pageImage = async (seed: number, withName: boolean): Promise<Buffer> => {
  const canvas = createCanvas(420, 594);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 420, 594);
  context.fillStyle = '#111111';
  if (withName) context.fillRect(30, 30, 300, 60);
  for (let y = 300; y < 360 + seed * 12; y += 12) context.fillRect(30, y, 360, 6);
  return encodeCanvas(canvas, 'jpeg', 90);
};

export type CorrectedPdfState = { ready: boolean; sha256: string | null; bytes: number | null; url: string | null } | null;

export const adminCorrectedPdf = async (admin: ApiClient, copyId: string): Promise<CorrectedPdfState> =>
  ok(
    await admin.graphql<{ adminCopy: { correctedPdf: CorrectedPdfState } }>(
      `query($c: ID!) { adminCopy(copyId: $c) { correctedPdf { ready sha256 bytes url } } }`,
      { c: copyId },
    ),
  ).adminCopy.correctedPdf;

/** Polls the admin's view of the copy until its PDF is ready with another hash than `previous`. */
export const readyCorrectedPdf = async (
  admin: ApiClient,
  copyId: string,
  previous: string | null = null,
): Promise<NonNullable<CorrectedPdfState>> => {
  for (let attempt = 0; attempt < 300; attempt++) {
    const state = await adminCorrectedPdf(admin, copyId);
    if (state?.ready && state.sha256 !== previous) return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the corrected PDF of ${copyId} was not built`);
};

/** The grade export route with its query string (`format=pronote&coefficient=2`). */
export const gradeExportUrl = (examId: string, query: string): string => `/api/exports/exams/${examId}/grades${query ? `?${query}` : ''}`;
