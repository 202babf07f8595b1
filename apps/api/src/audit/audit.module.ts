import { Module } from '@nestjs/common';
import { AuditResolver } from './audit.resolver.js';
import { CopyAudit } from './copy-audit.js';

/** Audit (issue 3, workflow 6 for admins): copies' histories and states at any revision, read from their streams. */
@Module({ providers: [CopyAudit, AuditResolver] })
export class AuditModule {}
