import type { MessageKey } from '@/i18n/use-t';

/** A section of a portal's header navigation. */
export interface NavItem {
  readonly to: string;
  readonly label: MessageKey;
}
