import { IdentificationQueueResolver } from './identification/identification-queue.resolver.js';
import { Module } from '@nestjs/common';
import { ChangeCopyHandler } from './change-copy/change-copy.handler.js';
import { CopyAdminResolver } from './copy-admin.resolver.js';
import { CopyCorrectionResolver } from './copy-correction.resolver.js';
import { CopyLockFeed } from './copy-lock-feed.js';
import { CopyLockResolver } from './copy-lock.resolver.js';
import { CopyReadModel } from './copy-read-model.js';
import { GradeCopyHandler } from './grade-copy/grade-copy.handler.js';
import { ClearIdentificationHandler } from './identification/clear-identification.handler.js';
import { IdentifyCopyHandler } from './identification/identify-copy.handler.js';
import { ImportCopiesHandler } from './import-copies/import-copies.handler.js';
import { LockExpiryProcessor } from './lock-expiry.processor.js';
import { MyCopiesResolver } from './my-copies.resolver.js';
import { StudentResults } from './student-results.js';

/**
 * Copies (issue 3, workflows 4–7): import and identification, the lock lease and its expiry,
 * correction, correctors' lots and statistics, students' results, and live lock changes.
 */
@Module({
  providers: [
    CopyReadModel,
    StudentResults,
    CopyLockFeed,
    LockExpiryProcessor,
    ImportCopiesHandler,
    IdentifyCopyHandler,
    ClearIdentificationHandler,
    ChangeCopyHandler,
    GradeCopyHandler,
    CopyAdminResolver,
    CopyCorrectionResolver,
    CopyLockResolver,
    IdentificationQueueResolver,
    MyCopiesResolver,
  ],
  exports: [CopyReadModel, LockExpiryProcessor],
})
export class CopiesModule {}
