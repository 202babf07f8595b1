import { scanDecider, scanFileReservationStreamId, scanStreamId } from '#domain';
import { type EventStore, StreamNotFoundError, WrongExpectedRevisionError } from '#event-store';
import { type Actor, appendAs, loadStream } from '../../shared/execute-command.js';
import { UploadError } from './upload-error.js';

/**
 * One PDF per exam: `scanfile-<examId>-<sha256>` names the scan that holds the file. It is appended
 * with no_stream just before ScanUploaded, so of two identical uploads racing exactly one goes on.
 * A reservation whose scan never got its ScanUploaded (the process died in between) is taken over
 * once it is older than STALE_MS; a younger one is an upload still in progress.
 */
const STALE_MS = 10 * 60_000;

const WHEN = new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' });

interface Holder {
  readonly revision: bigint | null;
  /** The scan the file was imported as, with when; null when the reservation is free or stale. */
  readonly imported: { readonly scanId: string; readonly fileName: string; readonly at: string } | null;
  readonly inProgress: boolean;
}

const holderOf = async (store: EventStore, examId: string, sha256: string): Promise<Holder> => {
  let last;
  try {
    [last] = await store.readStream(scanFileReservationStreamId(examId, sha256), { direction: 'backwards', maxCount: 1 });
  } catch (error) {
    if (!(error instanceof StreamNotFoundError)) throw error;
  }
  if (!last) return { revision: null, imported: null, inProgress: false };
  const scanId = String(last.data.scanId);
  const scan = await loadStream(store, scanStreamId(scanId), scanDecider);
  const uploaded = scan.events.find((event) => event.type === 'ScanUploaded');
  if (uploaded)
    return { revision: last.revision, imported: { scanId, fileName: scan.state.fileName, at: uploaded.recordedAt }, inProgress: false };
  return { revision: last.revision, imported: null, inProgress: Date.now() - Date.parse(last.recordedAt) < STALE_MS };
};

const duplicate = (imported: NonNullable<Holder['imported']>): UploadError =>
  new UploadError(
    409,
    'CONFLICT',
    `Ce fichier a déjà été importé pour cet examen le ${WHEN.format(new Date(imported.at))} (« ${imported.fileName} ») : ` +
      'il n’est pas importé une seconde fois.',
    { scanId: imported.scanId, importedAt: imported.at },
  );

const inProgress = (): UploadError => new UploadError(409, 'CONFLICT', 'Ce fichier est déjà en cours d’import pour cet examen.');

/** Refuses a file already imported into the exam (a read only: nothing is reserved). */
export const checkNotImported = async (store: EventStore, examId: string, sha256: string): Promise<void> => {
  const holder = await holderOf(store, examId, sha256);
  if (holder.imported) throw duplicate(holder.imported);
  if (holder.inProgress) throw inProgress();
};

/** Reserves the file for `scanId`, or refuses it as a duplicate (409). */
export const reserveScanFile = async (
  store: EventStore,
  examId: string,
  sha256: string,
  scanId: string,
  fileName: string,
  actor: Actor,
): Promise<void> => {
  for (let attempt = 0; attempt < 3; attempt++) {
    const holder = await holderOf(store, examId, sha256);
    if (holder.imported) throw duplicate(holder.imported);
    if (holder.inProgress) throw inProgress();
    try {
      const reserved = { type: 'ScanFileReserved', data: { examId, sha256, scanId, fileName } };
      await appendAs(store, scanFileReservationStreamId(examId, sha256), [reserved], actor, holder.revision ?? 'no_stream');
      return;
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }
  throw inProgress();
};
