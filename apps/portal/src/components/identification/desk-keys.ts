/**
 * The identification desk's keyboard (DESIGN §8: keyboard-first where people repeat actions). Digits
 * pick a candidate (by physical key too: on an AZERTY keyboard the top row gives & é " ' ( without
 * Shift), Enter confirms the one picked, S skips, Backspace or Ctrl+Z undoes the last identification,
 * R or / opens the search over the class, ←/→ walk through the copies. In the search field only the
 * keys that cannot be part of a name are taken.
 */
export type DeskKeyAction =
  | { readonly type: 'pick'; readonly index: number }
  | { readonly type: 'move'; readonly delta: 1 | -1 }
  | { readonly type: 'confirm' }
  | { readonly type: 'skip' }
  | { readonly type: 'undo' }
  | { readonly type: 'search' }
  | { readonly type: 'leaveSearch' }
  | { readonly type: 'copy'; readonly delta: 1 | -1 };

export interface KeyLike {
  readonly key: string;
  readonly code?: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  readonly shiftKey?: boolean;
}

export const MAX_PICK = 5;

/** 0-based index for keys 1 to 5, whatever the keyboard layout; null otherwise. */
export const digitIndex = (event: KeyLike): number | null => {
  const fromCode = /^(?:Digit|Numpad)([1-9])$/.exec(event.code ?? '')?.[1];
  const digit = fromCode ?? (/^[1-9]$/.test(event.key) ? event.key : undefined);
  if (!digit) return null;
  const index = Number(digit) - 1;
  return index < MAX_PICK ? index : null;
};

export const deskKeyAction = (event: KeyLike, where: { inSearch: boolean; searchEmpty: boolean }): DeskKeyAction | null => {
  if (event.altKey) return null;
  const command = event.ctrlKey || event.metaKey;
  if (command) {
    const undo = event.key.toLowerCase() === 'z' && !event.shiftKey;
    // In a search field with text, Ctrl+Z belongs to the field.
    return undo && (!where.inSearch || where.searchEmpty) ? { type: 'undo' } : null;
  }
  if (event.key === 'ArrowDown') return { type: 'move', delta: 1 };
  if (event.key === 'ArrowUp') return { type: 'move', delta: -1 };
  if (event.key === 'Enter') return { type: 'confirm' };
  const digit = digitIndex(event);
  if (digit !== null) return { type: 'pick', index: digit };
  if (where.inSearch) return event.key === 'Escape' ? { type: 'leaveSearch' } : null;
  switch (event.key) {
    case 's':
    case 'S':
      return { type: 'skip' };
    case 'Backspace':
      return { type: 'undo' };
    case 'r':
    case 'R':
    case '/':
      return { type: 'search' };
    case 'ArrowRight':
      return { type: 'copy', delta: 1 };
    case 'ArrowLeft':
      return { type: 'copy', delta: -1 };
    default:
      return null;
  }
};
