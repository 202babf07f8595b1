import { type HeaderReader, RenderPool, TesseractHeaderReader, VisionHeaderReader } from '#ocr';
import type { ScanConfig } from '../../runtime/config.js';
import { VIEW_DPI } from './pipeline-context.js';
import { timedHeaderReader } from '../../metrics/timed-header-reader.js';

/**
 * The render worker pool and the header reader, started on first use and stopped when the pipeline
 * has nothing left to do: idle, the API holds no render worker nor tesseract model in memory.
 */
export class OcrEngines {
  private pool: RenderPool | null = null;
  private reader: HeaderReader | null = null;

  constructor(private readonly config: ScanConfig) {}

  renderPool(): RenderPool {
    this.pool ??= new RenderPool({
      ...(this.config.renderWorkers > 0 ? { size: this.config.renderWorkers } : {}),
      limits: {
        maxBytes: this.config.maxBytes,
        maxPages: this.config.maxPages,
        renderTimeoutMs: this.config.renderTimeoutMs,
        maxWorkerMemoryMb: this.config.renderWorkerMemoryMb,
      },
    });
    return this.pool;
  }

  /** Tesseract, offline; the vision model only when HEADER_READER=vision was configured. */
  headerReader(): HeaderReader {
    const vision = this.config.vision;
    this.reader ??= vision
      ? timedHeaderReader(
          new VisionHeaderReader({ ...(vision.baseURL ? { baseURL: vision.baseURL } : {}), apiKey: vision.apiKey, model: vision.model }),
          'vision',
        )
      : // Header crops are cut from the view images (pipeline-context.ts).
        timedHeaderReader(
          new TesseractHeaderReader({ dpi: VIEW_DPI, ...(this.config.ocrWorkers > 0 ? { size: this.config.ocrWorkers } : {}) }),
          'tesseract',
        );
    return this.reader;
  }

  /** Starts the render workers and the OCR models ahead of a scan (while its upload streams in). */
  warmUp(): void {
    this.renderPool().warmUp();
    this.headerReader().warmUp?.();
  }

  async close(): Promise<void> {
    const [pool, reader] = [this.pool, this.reader];
    this.pool = null;
    this.reader = null;
    await Promise.allSettled([pool?.close(), reader?.close()]);
  }
}
