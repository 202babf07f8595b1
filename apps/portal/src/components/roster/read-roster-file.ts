/**
 * Reads a roster file picked by the admin. Pronote and spreadsheets export UTF-8 (with or without
 * BOM) or, on older Windows setups, Windows-1252: a file that is not valid UTF-8 is read as the latter
 * rather than turned into replacement characters in every accented name.
 */
export const MAX_ROSTER_BYTES = 2 * 1024 * 1024;

export const decodeRoster = (bytes: ArrayBuffer): string => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
};

export const readRosterFile = async (file: File): Promise<string> => {
  if (file.size > MAX_ROSTER_BYTES) throw new RangeError('too large');
  return decodeRoster(await file.arrayBuffer());
};
