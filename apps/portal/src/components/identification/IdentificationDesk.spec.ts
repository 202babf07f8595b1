import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import IdentificationDesk from './IdentificationDesk.vue';
import type { DeskCopy } from './desk-api';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import { withI18n } from '@/testing/plugins';

// No socket in these tests: the live signal is the server's business, the desk's reads are checked here.
vi.mock('@/graphql/live', async () => {
  const { ref } = await import('vue');
  return { subscribe: vi.fn(() => () => undefined), liveStatus: ref('idle') };
});

enableAutoUnmount(afterEach);
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] }));
afterEach(() => vi.useRealTimers());

describe('the identification desk, by keyboard', () => {
  it('picks a candidate with a digit, confirms with Enter and moves on to the next copy left', async () => {
    const { desk, api } = await openDesk();
    expect(onScreen(desk)).toBe('c1');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('desk-candidates');

    press('2');
    await flushPromises();
    expect(highlighted(desk)).toContain('MARTIN');
    press('Enter');
    await settle();

    expect(api.of('IdentifyCopy').map((call) => call.variables)).toEqual([{ copyId: 'c1', studentId: 's-martin' }]);
    expect(onScreen(desk)).toBe('c2');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('desk-candidates');
    expect(desk.get('[data-testid="count-manual"]').text()).toBe('1');
    expect(desk.get('[data-testid="count-left"]').text()).toBe('1');
  });

  it('confirms the best free candidate with Enter alone, and reads the top-row digits of an AZERTY keyboard', async () => {
    const { desk, api } = await openDesk();
    press('Enter');
    await settle();
    expect(api.of('IdentifyCopy')[0]?.variables).toEqual({ copyId: 'c1', studentId: 's-dupont' });

    // c2: its first candidate is taken elsewhere, so the second is picked in advance; "&" is key 1.
    expect(highlighted(desk)).toContain('LEROY');
    press('&', 'Digit1');
    await flushPromises();
    expect(highlighted(desk)).toContain('BERNARD');
  });

  it('refuses a student already on another copy, saying which', async () => {
    const { desk, api } = await openDesk();
    press('s');
    await flushPromises();
    expect(onScreen(desk)).toBe('c2');
    press('1');
    press('Enter');
    await settle();
    expect(api.of('IdentifyCopy')).toHaveLength(0);
    expect(desk.get('[data-testid="desk-notice"]').text()).toContain('K3');
  });

  it('undoes the last identification with Backspace and shows that copy again', async () => {
    const { desk, api } = await openDesk();
    press('Enter');
    await settle();
    expect(onScreen(desk)).toBe('c2');

    press('Backspace');
    await settle();
    expect(api.of('ClearIdentification').map((call) => call.variables.copyId)).toEqual(['c1']);
    expect(onScreen(desk)).toBe('c1');
    expect(desk.get('[data-testid="count-left"]').text()).toBe('2');

    press('z', 'KeyW', { ctrlKey: true });
    await settle();
    expect(api.of('ClearIdentification')).toHaveLength(1);
  });

  it('replaces a wrong automatic identification: the old one is lifted, the new one recorded, and undo restores the old', async () => {
    const { desk, api } = await openDesk();
    await desk.get('[aria-label="Ouvrir la copie K3"]').trigger('click');
    await flushPromises();
    expect(onScreen(desk)).toBe('c3');
    expect(desk.get('[data-testid="desk-identified"]').text()).toContain('BERNARD');

    press('2');
    press('Enter');
    await settle();
    expect(api.calls.filter((call) => call.operation !== 'IdentificationDesk').map((call) => [call.operation, call.variables])).toEqual([
      ['ClearIdentification', { copyId: 'c3', reason: expect.any(String) }],
      ['IdentifyCopy', { copyId: 'c3', studentId: 's-leroy' }],
    ]);

    press('Backspace');
    await settle();
    expect(api.of('IdentifyCopy').at(-1)?.variables).toEqual({ copyId: 'c3', studentId: 's-bernard' });
  });

  it('searches the class with R, chooses with ↓ and confirms with Enter', async () => {
    const { desk, api } = await openDesk();
    press('r');
    await flushPromises();
    const input = desk.get<HTMLInputElement>('[data-testid="desk-search"]');
    expect(document.activeElement).toBe(input.element);
    await input.setValue('ber');
    await vi.advanceTimersByTimeAsync(200);
    expect(api.of('RosterSearch')[0]?.variables).toMatchObject({ examId: 'e1', text: 'ber' });

    press('ArrowDown', 'ArrowDown', {}, input.element);
    press('Enter', 'Enter', {}, input.element);
    await settle();
    expect(api.of('IdentifyCopy')[0]?.variables).toEqual({ copyId: 'c1', studentId: 's-berthier' });
    expect(input.element.value).toBe('');
    expect(document.activeElement?.getAttribute('data-testid')).toBe('desk-candidates');
  });

  it('shows the server’s refusal and stays on the copy', async () => {
    const { desk } = await openDesk({ refuseIdentify: true });
    press('Enter');
    await settle();
    expect(onScreen(desk)).toBe('c1');
    expect(desk.text()).toContain('déjà réservé');
  });
});

/** A fake API holding the exam's copies: identifying and clearing change what the desk reads next. */
async function openDesk(options: { refuseIdentify?: boolean } = {}) {
  const copies = new Map(initialCopies().map((copy) => [copy.copyId, copy]));
  const student = (id: string) => {
    const s = ROSTER.find((item) => item.id === id)!;
    return { studentId: s.id, lastName: s.lastName, firstName: s.firstName, className: s.className };
  };
  const api = stubGraphQL({
    IdentificationDesk: () => ({
      data: { identificationDesk: { nextCursor: null, progress: { auto: 0, manual: 0, left: 0, total: 0 }, items: [...copies.values()] } },
    }),
    IdentifyCopy: ({ copyId, studentId }) => {
      if (options.refuseIdentify) return graphqlError('CONFLICT', 'Cet élève est déjà réservé pour une autre copie.');
      const copy = copies.get(String(copyId))!;
      const next = { ...copy, student: student(String(studentId)), identificationMethod: 'manual', status: 'IDENTIFIED' as const };
      copies.set(copy.copyId, next);
      return { data: { identifyCopy: { copyId, status: 'IDENTIFIED', identificationMethod: 'manual', student: next.student } } };
    },
    ClearIdentification: ({ copyId }) => {
      const copy = copies.get(String(copyId))!;
      copies.set(copy.copyId, { ...copy, student: null, identificationMethod: null, status: 'IMPORTED' });
      return { data: { clearIdentification: { copyId, status: 'IMPORTED', identificationMethod: null, student: null } } };
    },
    RosterSearch: () => ({
      data: {
        rosterSearch: ROSTER.filter((s) => s.lastName.startsWith('B')).map((s) => ({
          score: null,
          taken: false,
          takenByAnonymousCode: null,
          student: s,
        })),
      },
    }),
  });
  const desk = mount(IdentificationDesk, {
    ...withI18n,
    props: { examId: 'e1' },
    attachTo: document.body,
    global: { ...withI18n.global, stubs: { RouterLink: true } },
  });
  await settle();
  return { desk, api };
}

async function settle(): Promise<void> {
  await flushPromises();
  await vi.advanceTimersByTimeAsync(500);
  await flushPromises();
}

function press(key: string, code = key, modifiers: { ctrlKey?: boolean } = {}, target: Element | null = document.activeElement): void {
  (target ?? document.body).dispatchEvent(new KeyboardEvent('keydown', { key, code, bubbles: true, cancelable: true, ...modifiers }));
}

function onScreen(desk: ReturnType<typeof mount>): string | undefined {
  return desk.get('[data-testid="desk-panel"]').attributes('data-copy-id');
}

function highlighted(desk: ReturnType<typeof mount>): string {
  return desk.get('[data-testid="desk-candidates"] [aria-selected="true"]').text();
}

const ROSTER = [
  { id: 's-dupont', lastName: 'Dupont', firstName: 'Marie', className: '1G2', birthDate: '2008-04-12', withdrawn: false },
  { id: 's-martin', lastName: 'Martin', firstName: 'Léa', className: '1G2', birthDate: '2008-09-30', withdrawn: false },
  { id: 's-bernard', lastName: 'Bernard', firstName: 'Hugo', className: '1G2', birthDate: '2008-01-05', withdrawn: false },
  { id: 's-leroy', lastName: 'Leroy', firstName: 'Inès', className: '1G2', birthDate: '2008-06-21', withdrawn: false },
  { id: 's-berthier', lastName: 'Berthier', firstName: 'Noé', className: '1G2', birthDate: '2008-11-02', withdrawn: false },
];

function candidate(id: string, score: number, takenBy: string | null = null) {
  return { score, taken: takenBy !== null, takenByAnonymousCode: takenBy, student: ROSTER.find((s) => s.id === id)! };
}

function initialCopies(): DeskCopy[] {
  const copy = (copyId: string, code: string, overrides: Partial<DeskCopy>): DeskCopy => ({
    copyId,
    anonymousCode: code,
    scanId: 'scan-1',
    status: 'IMPORTED',
    headerImageUrl: `/api/files/copies/${copyId}/header`,
    text: 'Nom : ?',
    confidence: 0.6,
    engine: 'tesseract',
    identificationMethod: null,
    pageNumbers: [1, 2],
    flags: [],
    pages: [],
    candidates: [],
    student: null,
    ...overrides,
  });
  return [
    copy('c1', 'K1', { candidates: [candidate('s-dupont', 0.71), candidate('s-martin', 0.64)] }),
    copy('c2', 'K2', { candidates: [candidate('s-bernard', 0.8, 'K3'), candidate('s-leroy', 0.52)] }),
    copy('c3', 'K3', {
      status: 'IDENTIFIED',
      identificationMethod: 'auto',
      student: { studentId: 's-bernard', lastName: 'Bernard', firstName: 'Hugo', className: '1G2' },
      candidates: [candidate('s-bernard', 0.93), candidate('s-leroy', 0.4)],
    }),
  ];
}
