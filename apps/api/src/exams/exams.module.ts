import { Module } from '@nestjs/common';
import { ExamsResolver } from './exams.resolver.js';
import { ExamDispatchResolver } from './exam-dispatch.resolver.js';
import { CreateExamHandler } from './create-exam/create-exam.handler.js';
import { DefineGradingScaleHandler } from './define-grading-scale/define-grading-scale.handler.js';
import { DefineHeaderRegionHandler } from './define-header-region/define-header-region.handler.js';
import { AssignCorrectorsHandler } from './assign-correctors/assign-correctors.handler.js';
import { DispatchCopiesHandler } from './dispatch-copies/dispatch-copies.handler.js';
import { ReassignCopyHandler } from './reassign-copy/reassign-copy.handler.js';
import { PublishResultsHandler } from './publish-results/publish-results.handler.js';
import { WithdrawResultsHandler } from './withdraw-results/withdraw-results.handler.js';

/** Exams: creation, grading scale, correctors, dispatch, publication (issue 3, workflows 3 and 6). */
@Module({
  providers: [
    ExamsResolver,
    ExamDispatchResolver,
    CreateExamHandler,
    DefineGradingScaleHandler,
    DefineHeaderRegionHandler,
    AssignCorrectorsHandler,
    DispatchCopiesHandler,
    ReassignCopyHandler,
    PublishResultsHandler,
    WithdrawResultsHandler,
  ],
})
export class ExamsModule {}
