/**
 * Workspace shortcuts are single letters and arrows: they must never fire while the corrector types a
 * score, a remark or a comment, where the same keys are text.
 */
export const isTyping = (event: Event): boolean => {
  const target = event.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;
  return !['button', 'checkbox', 'radio', 'range', 'reset', 'submit', 'file', 'color'].includes(target.type);
};

/** Ctrl on Linux and Windows, Cmd on a Mac. */
export const hasCommandKey = (event: KeyboardEvent | WheelEvent): boolean => event.ctrlKey || event.metaKey;
