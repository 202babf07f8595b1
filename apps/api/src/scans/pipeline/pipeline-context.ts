import type { CommandBus } from '@nestjs/cqrs';
import type { HeaderFields } from '#ocr';
import { type HeaderRegion, type ScanCommand, type ScanStage, type ScanState, scanDecider, scanStreamId } from '#domain';
import type { Runtime } from '../../runtime/runtime.js';
import { type Actor, executeCommand } from '../../shared/execute-command.js';
import type { HeaderReadings } from './header-readings.js';
import type { OcrEngines } from './ocr-engines.js';
import type { ScanFile } from './scan-file.js';

/** Who the pipeline acts as: its identifications are 'auto' (the copy decider says so for 'system'). */
export const PIPELINE_ACTOR: Actor = { actorId: 'scan-pipeline', actorRole: 'system' };

/**
 * The view images' resolution, which is also the header crops' that OCR reads: cut from the view, they
 * cost no second rendering, and tesseract reads handwriting at 150 dpi as well as at 300 or better
 * (tests/bench/import.bench.ts: header crops at 300 dpi identified fewer handwritten copies).
 */
export const VIEW_DPI = 150;

/** What every step of one scan's run shares. */
export interface ScanRun {
  readonly scanId: string;
  readonly runtime: Runtime;
  readonly commands: CommandBus;
  readonly engines: OcrEngines;
  readonly file: ScanFile;
  readonly signal: AbortSignal;
  /** The exam's header region of a copy's first page (fractions of the page): what OCR reads and masking paints over. */
  readonly headerRegion: HeaderRegion;
  /** The step under way, named in a ScanFailed. */
  stage: ScanStage;
  /** The fields each header reading of this run found; a reading from an earlier run is parsed again from its text. */
  readonly fields: Map<string, HeaderFields>;
  /** Header readings started while rendering, by page number. */
  readonly headers: HeaderReadings;
  /** Decides and appends a command on the scan's stream at the revision read (re-deciding after a concurrent write). */
  record(command: DistributiveOmit<ScanCommand, 'metadata'>): Promise<ScanState>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const scanRecorder =
  (runtime: Runtime, scanId: string) =>
  async (command: DistributiveOmit<ScanCommand, 'metadata'>): Promise<ScanState> => {
    const metadata = { actorId: PIPELINE_ACTOR.actorId, actorRole: PIPELINE_ACTOR.actorRole, now: new Date().toISOString() };
    const full = { ...command, metadata } as ScanCommand;
    return (await executeCommand(runtime.store, scanStreamId(scanId), scanDecider, full, PIPELINE_ACTOR)).state;
  };
