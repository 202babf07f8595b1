import type { CorrectedCopiesArchiveDownloaded, CorrectedCopyDownloaded } from '#domain';
import type { GradesExported } from '../exports/grades-exported.js';

export type FileEvent = GradesExported | CorrectedCopyDownloaded | CorrectedCopiesArchiveDownloaded;
export const FILE_EVENT_TYPES: readonly FileEvent['type'][] = [
  'GradesExported',
  'CorrectedCopyDownloaded',
  'CorrectedCopiesArchiveDownloaded',
];

const FORMATS: Record<GradesExported['data']['format'], string> = {
  pronote: 'Export Pronote',
  csv: 'Export CSV détaillé',
  xlsx: 'Export Excel',
};

const count = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('fr-FR')} ${n > 1 ? many : one}`;

/**
 * One line of French per file that left Korrigo, as the exam's file journal shows it. A copy is
 * named by its anonymous code only: the journal is about files, not about whose copy it is.
 */
export const summariseFile = (event: FileEvent, anonymousCode: string | null): string => {
  switch (event.type) {
    case 'GradesExported': {
      const { format, rows, options } = event.data;
      const details = [count(rows, 'ligne')];
      // The Pronote file always carries a COEFF column: 1 unless the export asked for another.
      if (format === 'pronote') details.push(`coefficient ${(options.coefficient ?? 1).toLocaleString('fr-FR')}`);
      if (options.subject) details.push(`matière « ${options.subject} »`);
      return `${FORMATS[format] ?? `Export ${format}`} (${details.join(', ')})`;
    }
    case 'CorrectedCopyDownloaded':
      return `Copie corrigée ${anonymousCode ?? 'inconnue'} téléchargée (version ${event.data.variant === 'named' ? 'nominative' : 'anonyme'})`;
    case 'CorrectedCopiesArchiveDownloaded': {
      const { copies, missing } = event.data;
      const absent = missing > 0 ? `, ${missing.toLocaleString('fr-FR')} manquante${missing > 1 ? 's' : ''}` : '';
      return `Archive ZIP des copies corrigées (${count(copies, 'copie')}${absent})`;
    }
  }
};
