import { Module } from '@nestjs/common';
import { RetryScanHandler } from './retry-scan/retry-scan.handler.js';
import { ScanPipeline } from './scan-pipeline.processor.js';
import { ScansResolver } from './scans.resolver.js';
import { ScanUploadController } from './upload/scan-upload.controller.js';
import { ScanUploadService } from './upload/scan-upload.service.js';

/**
 * Scan import (issue 4): the upload route, the pipeline that renders, splits, reads and matches in
 * the background, and the exam office's view of its imports.
 */
@Module({
  controllers: [ScanUploadController],
  providers: [ScanPipeline, ScanUploadService, RetryScanHandler, ScansResolver],
  exports: [ScanPipeline],
})
export class ScansModule {}
