import type { HeaderReader, HeaderReading } from '#ocr';

/** A header crop and what the reader made of it. */
export interface ReadHeader {
  readonly crop: Buffer;
  readonly reading: HeaderReading;
}

/**
 * Header readings started while the pages are still rendering: the first page of every copy is
 * known before the split (fixed pages per copy), so OCR starts on it as soon as its view image exists
 * and runs alongside the rendering of the following pages. Only this process's memory holds them: a
 * resumed run reads again what it finds no reading for (read-headers.ts).
 */
export class HeaderReadings {
  /** By the blob key of the page's view image: the very image a copy's first page shows. */
  private readonly byView = new Map<string, Promise<ReadHeader>>();

  start(viewKey: string, crop: Buffer, reader: HeaderReader): void {
    const reading = reader.read(crop).then((read) => ({ crop, reading: read }));
    // Awaited later by the reading step, or never (a run that fails first): not an unhandled rejection.
    reading.catch(() => undefined);
    this.byView.set(viewKey, reading);
  }

  /** The reading started for this view image, once: a failed one is not handed out twice. */
  take(viewKey: string): Promise<ReadHeader> | undefined {
    const reading = this.byView.get(viewKey);
    this.byView.delete(viewKey);
    return reading;
  }
}
