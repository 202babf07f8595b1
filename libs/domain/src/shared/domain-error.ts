/** Coded errors, mapped once at the API edge (STYLE). Expected business outcomes are events, not errors. */
export type DomainErrorCode = 'VALIDATION' | 'ILLEGAL_STATE' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number | boolean | null>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const validation = (message: string, details?: DomainError['details']): DomainError =>
  new DomainError('VALIDATION', message, details);
export const illegalState = (message: string, details?: DomainError['details']): DomainError =>
  new DomainError('ILLEGAL_STATE', message, details);
export const forbidden = (message: string, details?: DomainError['details']): DomainError => new DomainError('FORBIDDEN', message, details);
export const conflict = (message: string, details?: DomainError['details']): DomainError => new DomainError('CONFLICT', message, details);
export const notFound = (message: string, details?: DomainError['details']): DomainError => new DomainError('NOT_FOUND', message, details);
