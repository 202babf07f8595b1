import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { GraphQLError } from 'graphql';
import { type ApiErrorCode, HTTP_STATUS, toApiError } from '../../shared/errors.js';
import { UploadError } from './upload-error.js';

/**
 * The upload route's errors as JSON `{ code, reason }` with a matching status: the guard's and the
 * handlers' coded errors (made for GraphQL) included, which Nest would otherwise answer as a 500.
 */
@Catch()
export class UploadErrorFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toHttp(error);
    if (status >= 500) process.stderr.write(`[scan-upload] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}

const toHttp = (error: unknown): { status: number; body: Record<string, unknown> } => {
  if (error instanceof UploadError) return { status: error.status, body: { code: error.code, reason: error.reason, ...error.details } };
  if (error instanceof GraphQLError) {
    const code = String(error.extensions.code ?? 'INTERNAL_SERVER_ERROR') as ApiErrorCode;
    const details = (error.extensions.details as Record<string, unknown> | undefined) ?? {};
    return { status: HTTP_STATUS[code] ?? 500, body: { code, reason: error.message, ...details } };
  }
  if (error instanceof HttpException) return { status: error.getStatus(), body: { code: 'BAD_REQUEST', reason: error.message } };
  const mapped = toApiError(error);
  const reason =
    mapped.code === 'INTERNAL_SERVER_ERROR' ? 'Erreur interne : réessayez ; si elle persiste, prévenez l’administrateur.' : mapped.message;
  return { status: HTTP_STATUS[mapped.code], body: { code: mapped.code, reason, ...(mapped.details ?? {}) } };
};
