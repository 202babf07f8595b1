import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, mount } from '@vue/test-utils';
import LockBoardTable from './LockBoardTable.vue';
import type { LockEntry } from './lease-left';
import { leaseLeft } from './lease-left';
import { withI18n } from '@/testing/plugins';

enableAutoUnmount(afterEach);
beforeEach(() => vi.useFakeTimers({ now: new Date('2025-03-10T09:00:00Z') }));
afterEach(() => vi.useRealTimers());

describe('the lock board', () => {
  it('counts each lease down every second from the server’s figure', async () => {
    const board = mountBoard([entry({ secondsLeft: 125 })]);
    expect(lease(board)).toBe('2:05');
    await vi.advanceTimersByTimeAsync(1000);
    expect(lease(board)).toBe('2:04');
    await vi.advanceTimersByTimeAsync(64_000);
    expect(lease(board)).toBe('1:00');
  });

  it('warns when the lease is about to end, and says expired at zero', async () => {
    const board = mountBoard([entry({ secondsLeft: 121 })]);
    expect(board.find('[data-testid="lease-left"] .warning').exists()).toBe(false);
    await vi.advanceTimersByTimeAsync(2000);
    expect(board.find('[data-testid="lease-left"] .warning').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(119_000);
    expect(lease(board)).toBe('Expiré');
  });

  it('does not depend on the computer’s clock agreeing with the server', () => {
    // `until` says the lease ended an hour ago, but the server counted 90 s left when it answered.
    const board = mountBoard([entry({ secondsLeft: 90, until: '2025-03-10T08:00:00Z' })]);
    expect(lease(board)).toBe('1:30');
  });

  it('asks to release the copy of the row', async () => {
    const board = mountBoard([entry({ copyId: 'c1' }), entry({ copyId: 'c2', anonymousCode: 'K2' })]);
    await board.findAll('button')[1]!.trigger('click');
    expect(board.emitted('release')?.[0]?.[0]).toMatchObject({ copyId: 'c2' });
  });
});

describe('a lease counted down', () => {
  it('never goes below zero', () => {
    expect(leaseLeft(10, 0, 60_000)).toBe(0);
    expect(leaseLeft(10, 0, 4_500)).toBe(5);
  });
});

function mountBoard(entries: LockEntry[]) {
  return mount(LockBoardTable, { ...withI18n, props: { entries, fetchedAt: Date.now() } });
}

function lease(board: ReturnType<typeof mountBoard>): string {
  return board.find('[data-testid="lease-left"]').text();
}

function entry(overrides: Partial<LockEntry> = {}): LockEntry {
  return {
    copyId: 'c1',
    anonymousCode: 'K7Q2',
    examId: 'e1',
    examTitle: 'Bac blanc de philosophie',
    holderId: 't1',
    holderName: 'Paul Prof',
    since: '2025-03-10T08:40:00Z',
    until: '2025-03-10T09:10:00Z',
    secondsLeft: 600,
    ...overrides,
  };
}
