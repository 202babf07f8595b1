export { copiesProjection } from './copies.projection.js';
export { copyExamsProjection } from './copy-exams.projection.js';
export { COPY_LOCK_CHANNEL, parseLockNotice, type CopyLockChangeKind, type CopyLockNotice } from './copy-lock-channel.js';
