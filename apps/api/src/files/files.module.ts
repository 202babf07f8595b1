import { Module } from '@nestjs/common';
import { FileAccess } from './file-access.js';
import { FilesController } from './files.controller.js';

/** Page images, header crops and corrected-copy PDFs behind authorisation (DESIGN §6: no public static folder). */
@Module({
  controllers: [FilesController],
  providers: [FileAccess],
})
export class FilesModule {}
