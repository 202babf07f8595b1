/**
 * A refused upload, answered as `{ code, reason, ...details }` with its HTTP status. `code` is an API
 * code (BAD_USER_INPUT, CONFLICT…) or the inspector's rejection code (ENCRYPTED, TOO_LARGE…);
 * `reason` is French, for the admin.
 */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(reason);
    this.name = 'UploadError';
  }
}
