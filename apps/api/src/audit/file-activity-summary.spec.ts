import type { GradesExported } from '../exports/grades-exported.js';
import { summariseFile } from './file-activity-summary.js';

describe('a file journal line', () => {
  const exported = (
    format: GradesExported['data']['format'],
    rows: number,
    options: GradesExported['data']['options'],
  ): GradesExported => ({
    type: 'GradesExported',
    data: { examId: 'e', format, fileName: 'notes.csv', rows, bytes: 10, sha256: 'a'.repeat(64), options, by: 'u' },
  });

  it('tells a Pronote export with its lines and coefficient (1 when none was asked), and the subject when chosen', () => {
    expect(summariseFile(exported('pronote', 35, { coefficient: 2, subject: null }), null)).toBe(
      'Export Pronote (35 lignes, coefficient 2)',
    );
    expect(summariseFile(exported('pronote', 1, { coefficient: null, subject: null }), null)).toBe(
      'Export Pronote (1 ligne, coefficient 1)',
    );
    expect(summariseFile(exported('pronote', 2, { coefficient: 0.5, subject: 'Maths spé' }), null)).toBe(
      'Export Pronote (2 lignes, coefficient 0,5, matière « Maths spé »)',
    );
  });

  it('tells the detailed CSV and the Excel workbook without a coefficient', () => {
    // fr-FR groups thousands with a narrow no-break space.
    expect(summariseFile(exported('csv', 1200, { coefficient: null, subject: null }), null)).toBe(
      'Export CSV détaillé (1\u202f200 lignes)',
    );
    expect(summariseFile(exported('xlsx', 0, { coefficient: null, subject: null }), null)).toBe('Export Excel (0 ligne)');
  });

  it('names a downloaded copy by its anonymous code and variant', () => {
    const download = (variant: 'named' | 'anonymous') =>
      ({ type: 'CorrectedCopyDownloaded', data: { copyId: 'c', variant, sha256: 'b'.repeat(64), by: 'u', role: 'admin' } }) as const;
    expect(summariseFile(download('named'), 'K-7QX2')).toBe('Copie corrigée K-7QX2 téléchargée (version nominative)');
    expect(summariseFile(download('anonymous'), 'K-7QX2')).toBe('Copie corrigée K-7QX2 téléchargée (version anonyme)');
  });

  it('counts the copies of a class ZIP and those missing from it', () => {
    const zip = (copies: number, missing: number) =>
      ({
        type: 'CorrectedCopiesArchiveDownloaded',
        data: { examId: 'e', sha256: 'c'.repeat(64), copies, missing, by: 'u', role: 'admin' },
      }) as const;
    expect(summariseFile(zip(34, 1), null)).toBe('Archive ZIP des copies corrigées (34 copies, 1 manquante)');
    expect(summariseFile(zip(33, 2), null)).toBe('Archive ZIP des copies corrigées (33 copies, 2 manquantes)');
    expect(summariseFile(zip(1, 0), null)).toBe('Archive ZIP des copies corrigées (1 copie)');
  });
});
