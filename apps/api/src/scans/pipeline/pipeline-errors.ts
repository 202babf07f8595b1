import type { ScanStage } from '#domain';
import { EventStoreError, isConnectionFailure } from '#event-store';
import { ScanRejectedError } from '#ocr';
import { ApiError } from '../../shared/errors.js';

/** The store or the database is away for a moment, or a race was lost: try the scan again later. */
export const isTransient = (error: unknown): boolean => {
  if (error instanceof EventStoreError) return error.code !== 'NOT_FOUND';
  if (error instanceof ApiError) return error.extensions.code === 'UNAVAILABLE';
  return isConnectionFailure(error);
};

const STEP: Record<ScanStage, string> = {
  rendering: 'l’affichage des pages',
  splitting: 'le découpage en copies',
  importing: 'la création des copies',
  reading: 'la lecture des en-têtes',
  matching: 'l’identification des élèves',
};

/** What the admin reads about a failure: the renderer's own sentence when it has one. */
export const failureOf = (stage: ScanStage, error: unknown): { stage: ScanStage; reason: string; code?: string; page?: number } => {
  if (error instanceof ScanRejectedError) {
    return { stage, reason: error.reason, code: error.code, ...(error.page === undefined ? {} : { page: error.page }) };
  }
  const detail = error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
  return {
    stage,
    reason: `Échec pendant ${STEP[stage]} : ${detail}. Relancez l’import ; si l’échec se répète, prévenez l’administrateur.`,
  };
};
