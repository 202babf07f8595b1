import { Module } from '@nestjs/common';
import { CorrectedCopiesResolver } from './corrected-copies.resolver.js';
import { CorrectedCopyProcessor } from './corrected-copy.processor.js';

/** Corrected-copy PDFs (issue 6): built and recorded after each finalisation; served by the files module. */
@Module({
  providers: [CorrectedCopyProcessor, CorrectedCopiesResolver],
  exports: [CorrectedCopyProcessor],
})
export class CorrectedCopiesModule {}
