import { Module } from '@nestjs/common';
import { GradeExportsController } from './grade-exports.controller.js';
import { GradeExports } from './grade-exports.service.js';

/** Files that take marks out of Korrigo: Pronote, a detailed CSV, an Excel workbook (each one audited). */
@Module({
  controllers: [GradeExportsController],
  providers: [GradeExports],
})
export class ExportsModule {}
