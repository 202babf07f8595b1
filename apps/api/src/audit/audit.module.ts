import { Module } from '@nestjs/common';
import { AuditResolver } from './audit.resolver.js';
import { CopyAudit } from './copy-audit.js';
import { FileActivity } from './file-activity.js';

/**
 * Audit (issue 3, workflow 6 for admins): copies' histories and states at any revision, read from
 * their streams, and each exam's journal of the files that left Korrigo.
 */
@Module({ providers: [CopyAudit, FileActivity, AuditResolver] })
export class AuditModule {}
