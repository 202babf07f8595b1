/**
 * File names for corrected copies, safe on every file system a school uses (Windows included):
 * accents kept, path separators, reserved and control characters turned into '-', spaces into '_',
 * never empty, never a dot file, at most 120 characters before the extension.
 */
export const safeFilePart = (text: string): string => {
  const cleaned = text
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}<>:"/\\|?*]+/gu, '-')
    .replace(/\s+/g, '_')
    .replace(/^[.\-_]+|[.\-_ ]+$/g, '');
  return [...cleaned].slice(0, 120).join('') || 'sans-nom';
};

export interface CopyFileNameParts {
  readonly anonymousCode: string;
  readonly student: { lastName: string; firstName: string; className: string | null } | null;
}

/** `<CLASSE>_<NOM>_<Prénom>_<code>.pdf` when the copy is identified (and the variant named), else `copie_<code>.pdf`. */
export const correctedCopyFileName = ({ anonymousCode, student }: CopyFileNameParts): string => {
  if (!student) return `copie_${safeFilePart(anonymousCode)}.pdf`;
  const parts = [student.className ?? '', student.lastName.toLocaleUpperCase('fr-FR'), student.firstName, anonymousCode];
  return `${parts
    .filter((part) => part.trim() !== '')
    .map(safeFilePart)
    .join('_')}.pdf`;
};

/**
 * `Content-Disposition: attachment` with an ASCII fallback (accents dropped) and the exact UTF-8
 * name (RFC 6266 / 5987), so every browser saves the file under a sensible name.
 */
export const attachmentDisposition = (fileName: string): string => {
  const ascii = fileName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
};
