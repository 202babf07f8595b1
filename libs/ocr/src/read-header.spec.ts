import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { matchRoster, type RosterEntry } from './match-roster.js';
import { normaliseName } from './normalise-name.js';
import { TESSERACT_ENGINE, TesseractHeaderReader, removeSpecks } from './read-header.js';
import { defaultLanguageFiles, tesseractWorkerOptions } from './tesseract-pool.js';

const FONTS = '/usr/share/fonts/truetype';
GlobalFonts.registerFromPath(`${FONTS}/dejavu/DejaVuSans.ttf`, 'DejaVu Sans');
GlobalFonts.registerFromPath(`${FONTS}/fifthhorseman/dkg.ttf`, 'dkg');
GlobalFonts.registerFromPath(`${FONTS}/humor-sans/Humor-Sans.ttf`, 'Humor Sans');
GlobalFonts.registerFromPath(`${FONTS}/ecolier-court/Ecolier-court.ttf`, 'Ecolier');

// One pool for the whole file: a worker takes seconds to start.
const reader = new TesseractHeaderReader({ size: 2 });
afterAll(() => reader.close());

describe('a printed header', () => {
  it('is read into its fields, labels and values on one row each', async () => {
    const reading = await reader.read(header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' }));
    expect(reading.engine).toBe(TESSERACT_ENGINE);
    expect(reading.fields).toEqual({ lastName: 'DUPONT-MARTIN', firstName: 'Jean-Étienne', className: 'TG2', birthDate: '2008-05-17' });
    expect(reading.confidence).toBeGreaterThan(0.6);
    expect(reading.confidence).toBeLessThanOrEqual(1);
  });
  it('is read when each value sits under its label, slightly rotated, on a specked scan', async () => {
    const reading = await reader.read(header(NDIAYE, { font: 'DejaVu Sans', layout: 'stacked', angle: -1.5, specks: 1500 }));
    const { lastName, firstName, ...rest } = reading.fields;
    // Tesseract may drop the diaeresis of Aïssatou; the matcher folds accents anyway.
    expect({ lastName: normaliseName(lastName ?? ''), firstName: normaliseName(firstName ?? ''), ...rest }).toEqual({
      lastName: 'n diaye',
      firstName: 'aissatou',
      className: 'TG1',
      birthDate: '2008-07-07',
    });
  });
});

describe('a handwritten header', () => {
  it('yields a surname that picks the right student first, and never a wrong automatic identification', async () => {
    // Handwriting fonts drawn with a pen's width, wobbling letters and blue ink stand in for pupils' writing.
    const cases = ['dkg', 'Humor Sans', 'Ecolier'].flatMap((font) =>
      [DUPONT_MARTIN, LEFEVRE, NDIAYE].map((student) => ({ font, student })),
    );
    const readings = await Promise.all(
      cases.map(({ font, student }) => reader.read(header(student, { font, handwriting: true, angle: 0.8, specks: 600 }))),
    );
    // Each copy on its own: a batch holding three copies of one pupil would rightly be a conflict.
    const outcome = readings.map((reading, i) => {
      const copy = cases[i]!.student.studentId;
      const [result] = matchRoster([{ copyId: copy, fields: reading.fields, text: reading.text, confidence: reading.confidence }], ROSTER);
      return {
        font: cases[i]!.font,
        copy,
        best: result?.candidates[0]?.studentId,
        auto: result?.decision.kind === 'auto' ? result.decision.studentId : undefined,
      };
    });
    for (const { copy, best, auto } of outcome) {
      expect({ copy, best }).toEqual({ copy, best: copy });
      if (auto !== undefined) expect({ copy, auto }).toEqual({ copy, auto: copy });
    }
    // Measured: every surname is read (some with a letter or two wrong), 4 of 9 copies are identified
    // automatically, the others go to the desk with the right student ranked first.
    expect(readings.filter((r) => r.fields.lastName !== undefined).length).toBe(cases.length);
    expect(outcome.filter((o) => o.auto !== undefined).length).toBeGreaterThanOrEqual(3);
  });
});

describe('the reader', () => {
  it('refuses an image it cannot decode', async () => {
    await expect(reader.read(Buffer.from('not an image'))).rejects.toThrow(/Image d’en-tête illisible/);
  });
  it('fails loudly, without any download, when language data is missing', async () => {
    const broken = new TesseractHeaderReader({ size: 1, languageFiles: { fra: '/nonexistent/fra.traineddata.gz' } });
    await expect(broken.read(header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' }))).rejects.toThrow(
      /« fra » introuvables.*ne les télécharge jamais/,
    );
    await broken.close();
    await expect(broken.read(Buffer.alloc(0))).rejects.toThrow(/fermé/);
  });
  it('can be warmed up before the first image: it reads as before, and missing data still fails the read loudly', async () => {
    const warm = new TesseractHeaderReader({ size: 1 });
    warm.warmUp();
    warm.warmUp(); // a second call starts nothing more
    const reading = await warm.read(header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' }));
    expect(reading.fields.lastName).toMatch(/DUPONT/i);
    await warm.close();

    const broken = new TesseractHeaderReader({ size: 1, languageFiles: { fra: '/nonexistent/fra.traineddata.gz' } });
    broken.warmUp();
    await expect(broken.read(header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' }))).rejects.toThrow(/« fra » introuvables/);
    await broken.close();
  });
  it('settles every read, queued or running, when closed', async () => {
    const closing = new TesseractHeaderReader({ size: 1 });
    const image = header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' });
    const reads = [closing.read(image), closing.read(image)].map((read) =>
      read.then(
        () => 'lu',
        (error: Error) => error.message,
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    await closing.close();
    const outcomes = await Promise.all(reads);
    expect(outcomes.every((outcome) => outcome === 'lu' || /fermé/.test(outcome))).toBe(true);
    expect(outcomes.some((outcome) => /fermé/.test(outcome))).toBe(true);
  });
  it('drops a worker that overruns its time and starts another for the next image', async () => {
    const hurried = new TesseractHeaderReader({ size: 1, jobTimeoutMs: 1 });
    const image = header(DUPONT_MARTIN, { font: 'DejaVu Sans', layout: 'two-rows' });
    await expect(hurried.read(image)).rejects.toThrow(/a dépassé 1 ms/);
    await expect(hurried.read(image)).rejects.toThrow(/a dépassé 1 ms/);
    await hurried.close();
  });
  it('gives tesseract.js only local, uncached, offline language data', () => {
    const files = defaultLanguageFiles();
    for (const lang of ['fra', 'eng'] as const) {
      expect(files[lang]).toMatch(new RegExp(`@tesseract\\.js-data/${lang}/4\\.0\\.0_best_int/${lang}\\.traineddata\\.gz$`));
      expect(existsSync(files[lang])).toBe(true);
    }
    const options = tesseractWorkerOptions('/tmp/korrigo-tessdata-x', () => undefined);
    expect(options).toMatchObject({ langPath: '/tmp/korrigo-tessdata-x', gzip: true, cacheMethod: 'none' });
    expect(path.isAbsolute(options.langPath ?? '')).toBe(true);
    expect(Object.keys(options)).not.toContain('corePath');
    expect(() => tesseractWorkerOptions('https://cdn.jsdelivr.net/npm/@tesseract.js-data/fra/4.0.0_best_int', () => undefined)).toThrow(
      /local absolute/,
    );
  });
  it('removes isolated specks and keeps writing', async () => {
    const canvas = createCanvas(200, 100);
    const context = canvas.getContext('2d');
    context.fillStyle = '#fff';
    context.fillRect(0, 0, 200, 100);
    context.fillStyle = '#000';
    context.fillRect(10, 10, 2, 2);
    context.fillRect(100, 40, 30, 8);
    const cleaned = await removeSpecks(canvas.toBuffer('image/png'));
    const header = 'P5\n200 100\n255\n';
    expect(cleaned.subarray(0, header.length).toString('latin1')).toBe(header);
    const grey = (x: number, y: number): number | undefined => cleaned[header.length + y * 200 + x];
    expect(grey(10, 10)).toBe(255);
    expect(grey(110, 44)).toBe(0);
    expect(grey(50, 50)).toBe(255);
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

interface Student {
  studentId: string;
  lastName: string;
  firstName: string;
  className: string;
  birthDate: string;
  written: string;
}
const student = (studentId: string, lastName: string, firstName: string, className: string, birthDate: string): Student => ({
  studentId,
  lastName,
  firstName,
  className,
  birthDate,
  written: birthDate.split('-').reverse().join('/'),
});
const DUPONT_MARTIN = student('dupont-martin', 'DUPONT-MARTIN', 'Jean-Étienne', 'TG2', '2008-05-17');
const LEFEVRE = student('lefevre', 'LEFÈVRE', 'Mathis', 'TG3', '2008-01-25');
const NDIAYE = student('ndiaye', "N'DIAYE", 'Aïssatou', 'TG1', '2008-07-07');
const ROSTER: RosterEntry[] = [
  DUPONT_MARTIN,
  LEFEVRE,
  NDIAYE,
  student('dupont', 'DUPONT', 'Léa', 'TG2', '2008-03-12'),
  student('martin', 'MARTIN', 'Jean', 'TG2', '2008-05-11'),
  student('lefebvre', 'LEFEBVRE', 'Mathys', 'TG3', '2008-03-03'),
  student('diallo', 'DIALLO', 'Aïcha', 'TG1', '2008-07-17'),
  student('moreau', 'MOREAU', 'Chloé', 'TG3', '2008-10-10'),
];

interface Drawing {
  font: string;
  layout?: 'two-rows' | 'stacked';
  handwriting?: boolean;
  angle?: number;
  specks?: number;
}

/** A header crop as the render pool makes it: page width at 300 dpi, printed labels, values in `font`. */
function header(who: Student, drawing: Drawing): Buffer {
  const random = seeded(who.studentId.length * 7919 + drawing.font.length);
  const width = 2480;
  const height = drawing.layout === 'stacked' ? 900 : 600;
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fdfdfb';
  g.fillRect(0, 0, width, height);
  g.translate(width / 2, height / 2);
  g.rotate(((drawing.angle ?? 0) * Math.PI) / 180);
  g.translate(-width / 2, -height / 2);
  const rows: [string, string][] = [
    ['Nom :', who.lastName],
    ['Prénom :', who.firstName],
    ['Classe :', who.className],
    ['Né(e) le :', who.written],
  ];
  const size = drawing.handwriting ? 68 : 58;
  const write = (text: string, x: number, y: number): void => {
    g.font = `${size}px "${drawing.font}"`;
    g.fillStyle = g.strokeStyle = drawing.handwriting ? '#1a2a6c' : '#111';
    g.lineWidth = 2.5;
    for (const char of text) {
      const wobble = drawing.handwriting ? 1 : 0;
      g.save();
      g.translate(x, y + (random() - 0.5) * wobble * size * 0.15);
      g.rotate((random() - 0.5) * wobble * 0.1);
      g.fillText(char, 0, 0);
      if (drawing.handwriting) g.strokeText(char, 0, 0);
      g.restore();
      x += g.measureText(char).width * (1 + (random() - 0.5) * wobble * 0.2);
    }
  };
  rows.forEach(([label, value], i) => {
    const [x, y] = drawing.layout === 'stacked' ? [100, 120 + i * 200] : [i % 2 === 0 ? 100 : 1300, 150 + Math.floor(i / 2) * 180];
    g.fillStyle = '#000';
    g.font = '44px "DejaVu Sans"';
    g.fillText(label, x, y);
    const [vx, vy] = drawing.layout === 'stacked' ? [x + 60, y + 95] : [x + (i % 2 === 0 ? 240 : 270), y];
    g.strokeStyle = '#c4c4c4';
    g.lineWidth = 2;
    g.setLineDash([4, 10]);
    g.beginPath();
    g.moveTo(vx - 10, vy + 14);
    g.lineTo(vx + 900, vy + 14);
    g.stroke();
    g.setLineDash([]);
    write(value, vx, vy);
  });
  g.setTransform(1, 0, 0, 1, 0, 0);
  for (let k = 0; k < (drawing.specks ?? 0); k++) {
    const level = Math.floor(random() * 160);
    g.fillStyle = `rgb(${level},${level},${level})`;
    g.fillRect(random() * width, random() * height, 1 + random() * 3, 1 + random() * 3);
  }
  return canvas.toBuffer('image/png');
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}
