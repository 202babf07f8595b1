import { type CorrectedCopiesArchiveDownloaded, type CorrectedCopyDownloaded, copyFileStreamId, examFileStreamId } from '#domain';
import type { EventStore } from '#event-store';
import type { Session } from '../auth/sessions.js';
import { appendAs } from '../shared/execute-command.js';

type Download = CorrectedCopyDownloaded | CorrectedCopiesArchiveDownloaded;

/**
 * Records a download before a byte is sent (DESIGN §10: every file behind authorisation, and here
 * every corrected copy that leaves the server is on the record). On its own stream, appended with
 * `any`: downloads never race each other nor the copy's correction. The audit-log projection indexes it.
 */
export const auditDownload = async (store: EventStore, session: Session, download: Download): Promise<void> => {
  const streamId =
    download.type === 'CorrectedCopyDownloaded' ? copyFileStreamId(download.data.copyId) : examFileStreamId(download.data.examId);
  await appendAs(store, streamId, [download], { actorId: session.userId, actorRole: session.role }, 'any');
};
