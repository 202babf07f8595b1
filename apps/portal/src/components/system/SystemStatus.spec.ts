import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { ref } from 'vue';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProjectionStatusFieldsFragment, SystemStatusQuery } from '@/graphql/generated';
import type { LiveHandlers } from '@/graphql/live';
import { withI18n } from '@/testing/plugins';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import AdminSystemPage from '@/pages/admin/AdminSystemPage.vue';

/** The live socket, replaced by a hand that pushes projectionLag messages. */
const live = vi.hoisted(() => ({ handlers: [] as LiveHandlers<unknown>[] }));
vi.mock('@/graphql/live', () => ({
  liveStatus: ref('connected'),
  subscribe: (_document: unknown, _variables: unknown, handlers: LiveHandlers<unknown>) => {
    live.handlers.push(handlers);
    return () => live.handlers.splice(live.handlers.indexOf(handlers), 1);
  },
}));
enableAutoUnmount(afterEach);

describe('the exam office’s system page', () => {
  afterEach(() => {
    live.handlers.length = 0;
    vi.useRealTimers();
  });

  it('shows the event store and each projection with its lag and state', async () => {
    stubGraphQL({ SystemStatus: () => ({ data: status() }) });
    const page = await mountPage();
    expect(page.find('[data-store-kind]').text()).toBe('PostgreSQL (intégré)');
    expect(page.find('[data-event-count]').text()).toBe('12\u202f345');
    expect(page.find('[data-reachable]').text()).toBe('Joignable');
    expect(rows(page)).toEqual([
      ['copies', '0 s', 'À jour'],
      ['exam-copies', '4,5 s', 'En retard'],
      ['students', '0 s', 'En erreur'],
      ['users', '0 s', 'Arrêtée ici'],
    ]);
    expect(page.find('[data-projection="students"]').text()).toContain('relation "students" does not exist');
    expect(page.find('.bar-chart svg').attributes('aria-label')).toBe('Retard des projections (secondes)');
  });

  it('takes each projectionLag message at once, between two reads', async () => {
    stubGraphQL({ SystemStatus: () => ({ data: status() }) });
    const page = await mountPage();
    expect(live.handlers).toHaveLength(1);
    live.handlers[0]!.next({ projectionLag: [projection('exam-copies', { lagSeconds: 0, caughtUp: true })] });
    await flushPromises();
    expect(rows(page)).toEqual([['exam-copies', '0 s', 'À jour']]);
    expect(page.find('.bar-chart').exists()).toBe(false); // nothing behind: no chart of zeros
  });

  it('reads again every few seconds; a failed read keeps the last figures and says the store is unreachable', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const server = stubGraphQL({
      SystemStatus: (_variables, call) => (call === 1 ? { data: status() } : graphqlError('UNAVAILABLE', 'The event store is unavailable')),
    });
    const page = await mountPage();
    vi.advanceTimersByTime(5000);
    await flushPromises();
    expect(server.of('SystemStatus')).toHaveLength(2);
    expect(page.find('[data-reachable]').text()).toBe('Injoignable');
    expect(page.find('[role="alert"]').text()).toContain('Le serveur est momentanément indisponible');
    expect(page.find('[data-event-count]').text()).toBe('12\u202f345');
    page.unmount();
    vi.advanceTimersByTime(10_000);
    expect(server.of('SystemStatus')).toHaveLength(2);
    expect(live.handlers).toHaveLength(0);
  });
});

const projection = (name: string, overrides: Partial<ProjectionStatusFieldsFragment> = {}): ProjectionStatusFieldsFragment => ({
  name,
  checkpoint: '1200/1200',
  eventsSeen: '340',
  lagSeconds: 0,
  caughtUp: true,
  running: true,
  lastError: null,
  lastEventAt: '2025-03-01T10:00:00.000Z',
  ...overrides,
});

const status = (): SystemStatusQuery => ({
  systemStatus: {
    storeKind: 'postgres',
    eventCount: '12345',
    lastPosition: '1200/1200',
    lastEventAt: '2025-03-01T10:00:00.000Z',
    projections: [
      projection('copies'),
      projection('exam-copies', { lagSeconds: 4.5, caughtUp: false }),
      projection('students', { lastError: 'relation "students" does not exist', caughtUp: false }),
      projection('users', { running: false }),
    ],
  },
});

const mountPage = async () => {
  const page = mount(AdminSystemPage, withI18n);
  await flushPromises();
  return page;
};

const rows = (page: Awaited<ReturnType<typeof mountPage>>): string[][] =>
  page
    .findAll('.table-wrap tbody tr')
    .map((row) => [row.find('th').text(), row.find('[data-lag]').text(), row.find('[data-state]').text()]);
