import { IdentificationQueueResolver } from './identification/identification-queue.resolver.js';
import { IdentificationDeskQueries } from './identification/identification-desk.queries.js';
import { IdentificationDeskResolver } from './identification/identification-desk.resolver.js';
import { FirstPageSettler } from './split-correction/first-page-settler.js';
import { MergeCopiesHandler } from './split-correction/merge-copies.handler.js';
import { MovePageHandler } from './split-correction/move-page.handler.js';
import { PageTransfers } from './split-correction/page-transfers.js';
import { RecutPlanner } from './split-correction/recut-planner.js';
import { RecutScanHandler } from './split-correction/recut-scan.handler.js';
import { ReorderPagesHandler } from './split-correction/reorder-pages.handler.js';
import { SplitCopyHandler } from './split-correction/split-copy.handler.js';
import { SplitCorrectionResolver } from './split-correction/split-correction.resolver.js';
import { TransferCompletionProcessor } from './split-correction/transfer-completion.processor.js';
import { Module } from '@nestjs/common';
import { CorrectedCopiesModule } from '../corrected-copies/corrected-copies.module.js';
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
  imports: [CorrectedCopiesModule],
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
    IdentificationDeskQueries,
    IdentificationDeskResolver,
    PageTransfers,
    FirstPageSettler,
    MovePageHandler,
    MergeCopiesHandler,
    SplitCopyHandler,
    ReorderPagesHandler,
    RecutPlanner,
    RecutScanHandler,
    TransferCompletionProcessor,
    SplitCorrectionResolver,
  ],
  exports: [CopyReadModel, LockExpiryProcessor, TransferCompletionProcessor],
})
export class CopiesModule {}
