import { mount } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { effectScope, h, reactive } from 'vue';
import CopyLockBanner from '../components/copy/CopyLockBanner.vue';
import { useCopyLock, type CopyLockOptions, type LockLease } from './use-copy-lock.js';

const ME = 'teacher-1';
const MINUTE = 60_000;
/** The school PC runs two minutes behind the server. */
const SKEW = 2 * MINUTE;
const T0 = Date.parse('2025-06-02T08:00:00.000Z');

const scopes: Array<ReturnType<typeof effectScope>> = [];
beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0 - SKEW);
});
afterEach(() => {
  scopes.splice(0).forEach((scope) => scope.stop());
  vi.useRealTimers();
});

describe('the copy lock in the workspace', () => {
  it('counts the lease down on the server clock, not the PC clock', async () => {
    const lock = openLock();
    expect(lock.secondsLeft.value).toBe(30 * 60);
    await vi.advanceTimersByTimeAsync(61_000);
    expect(lock.secondsLeft.value).toBe(30 * 60 - 61);
    expect(lock.readOnly.value).toBe(false);
  });

  it('renews the lease five minutes before its end, again and again', async () => {
    const renew = vi.fn(async (): Promise<LockLease> => lease(serverNow() + 30 * MINUTE));
    const lock = openLock({ renew });
    await vi.advanceTimersByTimeAsync(25 * MINUTE - 1000);
    expect(renew).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(renew).toHaveBeenCalledOnce();
    expect(lock.secondsLeft.value).toBe(30 * 60);
    await vi.advanceTimersByTimeAsync(25 * MINUTE);
    expect(renew).toHaveBeenCalledTimes(2);
    expect(lock.status.value).toBe('held');
  });

  it('retries a renewal the network lost, and turns read-only when the lease ends anyway', async () => {
    const renew = vi.fn(async (): Promise<LockLease> => Promise.reject(new TypeError('Failed to fetch')));
    const lock = openLock({ renew });
    await vi.advanceTimersByTimeAsync(25 * MINUTE + 15_000);
    expect(renew).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(lock.status.value).toBe('expired');
    expect(lock.readOnly.value).toBe(true);
    expect(lock.canTakeBack.value).toBe(true);
  });

  it('lets an idle workspace lose its lease instead of holding the copy forever', async () => {
    const renew = vi.fn(async (): Promise<LockLease> => lease(serverNow() + 30 * MINUTE));
    const lock = openLock({ renew, isActive: () => false });
    await vi.advanceTimersByTimeAsync(30 * MINUTE);
    expect(renew).not.toHaveBeenCalled();
    expect(lock.status.value).toBe('expired');
  });

  it('turns read-only at once on a force-release, with the admin’s reason, then takes the copy back', async () => {
    const acquire = vi.fn(async (): Promise<LockLease> => lease(serverNow() + 30 * MINUTE));
    const renew = vi.fn(async (): Promise<LockLease> => lease(serverNow() + 30 * MINUTE));
    const lock = openLock({ acquire, renew });
    lock.onLockChange({ change: 'FORCE_RELEASED', holderId: ME, reason: 'Copie réattribuée à Mme Martin' });
    expect(lock.readOnly.value).toBe(true);
    expect([lock.status.value, lock.reason.value]).toEqual(['released', 'Copie réattribuée à Mme Martin']);
    await vi.advanceTimersByTimeAsync(40 * MINUTE);
    expect(renew).not.toHaveBeenCalled(); // no heartbeat for a lock that is gone

    expect(await lock.takeBack()).toBe(true);
    expect(lock.status.value).toBe('held');
    expect(lock.reason.value).toBeNull();
  });

  it('stays read-only when someone else holds the copy, and says it is free when they let go', async () => {
    const conflict = Object.assign(new Error('locked by another'), { extensions: { code: 'CONFLICT' } });
    const lock = openLock({ initial: null, acquire: () => Promise.reject(conflict) });
    expect(lock.status.value).toBe('free');
    expect(await lock.takeBack()).toBe(false);
    expect(lock.status.value).toBe('taken');
    lock.onLockChange({ change: 'UNLOCKED', holderId: 'teacher-2' });
    expect(lock.status.value).toBe('free');
  });

  it('turns read-only when the server says the lease was lost', async () => {
    const conflict = Object.assign(new Error('lease expired'), { extensions: { code: 'CONFLICT' } });
    const lock = openLock({ renew: () => Promise.reject(conflict) });
    await vi.advanceTimersByTimeAsync(25 * MINUTE);
    expect(lock.status.value).toBe('lost');
  });
});

describe('the lock banner', () => {
  it('shows the countdown, then the reason of a force-release and the button to take the copy back', async () => {
    const props = reactive({ status: 'held' as const as string, secondsLeft: 1799, reason: null as string | null });
    const banner = mount(() => h(CopyLockBanner, { ...props, onTakeBack: () => (props.status = 'acquiring') } as never));
    expect(banner.text()).toBe('Vous avez la main sur cette copie ; le bail court encore 29:59.');
    expect(banner.find('button').exists()).toBe(false);
    props.secondsLeft = 90;
    await banner.vm.$nextTick();
    expect(banner.text()).toContain('Le bail se termine dans 1:30');
    Object.assign(props, { status: 'released', reason: 'Correcteur absent' });
    await banner.vm.$nextTick();
    expect(banner.find('.message').text()).toBe('Un administrateur vous a retiré la main : Correcteur absent');
    expect(banner.attributes('role')).toBe('alert');
    await banner.find('button.take-back').trigger('click');
    expect(banner.find('.message').text()).toBe('Prise de la main…');
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const serverNow = (): number => Date.now() + SKEW;
/** A lease as the API answers it: the end on the server clock and the seconds left. */
const lease = (until: number, holderId = ME): LockLease => ({
  holderId,
  until: new Date(until).toISOString(),
  secondsLeft: Math.round((until - serverNow()) / 1000),
});

const openLock = (options: Partial<CopyLockOptions> = {}) => {
  const scope = effectScope();
  scopes.push(scope);
  return scope.run(() =>
    useCopyLock({
      viewerId: ME,
      initial: lease(T0 + 30 * MINUTE),
      renew: () => Promise.resolve(lease(serverNow() + 30 * MINUTE)),
      acquire: () => Promise.resolve(lease(serverNow() + 30 * MINUTE)),
      ...options,
    }),
  )!;
};
