import { defineStore } from 'pinia';
import { ref } from 'vue';

export type NoticeTone = 'success' | 'info' | 'error';
export interface Notice {
  readonly id: number;
  readonly text: string;
  readonly tone: NoticeTone;
}

const VISIBLE_MS = 6000;

/** Short confirmations ("Compte créé") read out by screen readers and gone after a few seconds. */
export const useNoticesStore = defineStore('notices', () => {
  const notices = ref<Notice[]>([]);
  let next = 1;

  function dismiss(id: number): void {
    notices.value = notices.value.filter((notice) => notice.id !== id);
  }

  function push(text: string, tone: NoticeTone = 'success'): void {
    const id = next++;
    notices.value = [...notices.value, { id, text, tone }];
    setTimeout(() => dismiss(id), VISIBLE_MS);
  }

  return { notices, push, dismiss };
});
