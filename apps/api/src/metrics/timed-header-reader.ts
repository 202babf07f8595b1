import type { HeaderReader } from '#ocr';
import { metrics } from './metrics.js';

/** Times each header reading (failed ones included): OCR is the slow step of a scan import. */
export const timedHeaderReader = (reader: HeaderReader, engine: 'tesseract' | 'vision'): HeaderReader => ({
  read: async (image) => {
    const done = metrics.ocrDuration.startTimer({ engine });
    try {
      return await reader.read(image);
    } finally {
      done();
    }
  },
  warmUp: () => reader.warmUp?.(),
  close: () => reader.close(),
});
