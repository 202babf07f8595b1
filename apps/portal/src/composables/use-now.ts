import { type Ref, getCurrentScope, onScopeDispose, ref } from 'vue';

/**
 * One shared clock ticking every second while some component shows a countdown; it stops when the
 * last one goes away.
 */
const now = ref(Date.now());
let users = 0;
let timer: ReturnType<typeof setInterval> | null = null;

export const useNow = (): Readonly<Ref<number>> => {
  users += 1;
  if (timer === null) {
    now.value = Date.now();
    timer = setInterval(() => (now.value = Date.now()), 1000);
  }
  if (getCurrentScope()) {
    onScopeDispose(() => {
      users -= 1;
      if (users === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    });
  }
  return now;
};
