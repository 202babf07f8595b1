import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type VueWrapper, enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import HeaderRegionEditor from './HeaderRegionEditor.vue';
import type { AdminExam } from '@/composables/use-exam';
import { graphqlError, stubGraphQL } from '@/testing/graphql-fetch';
import { i18n } from '@/i18n';

enableAutoUnmount(afterEach);
beforeEach(() => {
  document.cookie = 'korrigo_csrf=csrf-token-1';
});

describe('the header region editor', () => {
  it('shows the exam’s region in percent, drawn over the A4 outline (210 × 297 mm)', () => {
    const editor = mountEditor(exam({ headerRegion: { x: 0.5, y: 0.02, width: 0.45, height: 0.125 } }));
    expect(fields(editor)).toEqual({ top: '2', left: '50', width: '45', height: '12.5' });
    expect(boxOf(editor)).toEqual({ x: 105, y: 5.94, width: 94.5, height: 37.13 });
    expect(editor.get('[data-testid="header-region-preview"]').attributes('aria-label')).toContain('50 % depuis la gauche');
  });

  it('moves the preview as the values are typed', async () => {
    const editor = mountEditor(exam());
    await editor.get('input[name="header-width"]').setValue('40');
    await editor.get('input[name="header-left"]').setValue('60');
    expect(boxOf(editor)).toMatchObject({ x: 126, width: 84 });
  });

  it('says what is wrong next to the field, and saves nothing while it is', async () => {
    const api = stubGraphQL({});
    const editor = mountEditor(exam());
    await editor.get('input[name="header-height"]').setValue('3');
    expect(errorOf(editor, 'height')).toBe('Au moins 5 % de la page.');
    await editor.get('input[name="header-height"]').setValue('20');
    await editor.get('input[name="header-left"]').setValue('70');
    await editor.get('input[name="header-width"]').setValue('40');
    expect(errorOf(editor, 'width')).toBe('Gauche + largeur dépassent le bord droit (110 % sur 100 %).');
    await editor.get('input[name="header-top"]').setValue('');
    expect(errorOf(editor, 'top')).toBe('Un nombre de 0 à 100.');
    await editor.get('input[name="header-top"]').setValue('90');
    expect(errorOf(editor, 'height')).toBe('Haut + hauteur dépassent le bas de la page (110 % sur 100 %).');
    expect(editor.get('[data-testid="header-region-box"]').classes()).toContain('invalid');
    expect(editor.get('button[type="submit"]').attributes('disabled')).toBeDefined();
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(api.calls).toHaveLength(0);
  });

  it('saves the region as fractions of the page, and tells the page to reload the exam', async () => {
    const api = stubGraphQL({
      DefineHeaderRegion: (variables) => ({
        data: { defineHeaderRegion: { examId: 'exam-1', headerRegion: (variables as { region: unknown }).region } },
      }),
    });
    const editor = mountEditor(exam());
    await fill(editor, { top: '2', left: '55', width: '43', height: '12.5' });
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(api.of('DefineHeaderRegion').map((call) => call.variables)).toEqual([
      { examId: 'exam-1', region: { x: 0.55, y: 0.02, width: 0.43, height: 0.125 } },
    ]);
    expect(api.calls[0]!.headers['X-CSRF-Token']).toBe('csrf-token-1');
    expect(editor.emitted('saved')).toHaveLength(1);
  });

  it('goes back to the top quarter with one button', async () => {
    const editor = mountEditor(exam({ headerRegion: { x: 0.5, y: 0, width: 0.5, height: 0.2 } }));
    await editor
      .findAll('button')
      .find((button) => button.text() === 'Revenir au quart supérieur')!
      .trigger('click');
    expect(fields(editor)).toEqual({ top: '0', left: '0', width: '100', height: '25' });
  });

  it('shows the server’s refusal and does not report a save', async () => {
    stubGraphQL({
      DefineHeaderRegion: () =>
        graphqlError('CONFLICT', 'Les copies sont déjà distribuées aux correcteurs : la zone d’en-tête ne peut plus changer.'),
    });
    const editor = mountEditor(exam());
    await editor.get('input[name="header-height"]').setValue('30');
    await editor.get('form').trigger('submit');
    await flushPromises();
    expect(editor.get('[role="alert"]').text()).toContain('déjà distribuées');
    expect(editor.emitted('saved')).toBeUndefined();
  });

  it('is read-only with the reason once the copies are dispatched', () => {
    const editor = mountEditor(
      exam({ dispatchRuns: [{ runId: 'run-1', dispatchedAt: '2025-03-02T08:00:00Z', copyCount: 30, loads: [] }] }),
    );
    expect(editor.get('[data-testid="header-region-locked"]').text()).toContain('Les copies ont été distribuées aux correcteurs le');
    expect(editor.get('fieldset').attributes('disabled')).toBeDefined();
    expect(editor.find('button[type="submit"]').exists()).toBe(false);
  });

  it('is read-only too when a copy was handed to a corrector by hand', () => {
    const editor = mountEditor(exam({ progress: { ...exam().progress, assigned: 1 } }));
    expect(editor.get('[data-testid="header-region-locked"]').text()).toContain('Des correcteurs ont déjà des copies');
  });
});

const FIELDS = ['top', 'left', 'width', 'height'] as const;

function mountEditor(value: AdminExam) {
  return mount(HeaderRegionEditor, { props: { exam: value }, global: { plugins: [i18n, createPinia()] } });
}

const fields = (editor: VueWrapper) =>
  Object.fromEntries(FIELDS.map((field) => [field, (editor.get(`input[name="header-${field}"]`).element as HTMLInputElement).value]));

async function fill(editor: VueWrapper, values: Record<(typeof FIELDS)[number], string>): Promise<void> {
  for (const field of FIELDS) await editor.get(`input[name="header-${field}"]`).setValue(values[field]);
}

function errorOf(editor: VueWrapper, field: (typeof FIELDS)[number]): string | undefined {
  const id = editor.get(`input[name="header-${field}"]`).attributes('aria-describedby');
  return id ? editor.find(`[id="${id}"]`).text() : undefined;
}

function boxOf(editor: VueWrapper) {
  const box = editor.get('[data-testid="header-region-box"]');
  const read = (name: string) => Math.round(Number(box.attributes(name)) * 100) / 100;
  return { x: read('x'), y: read('y'), width: read('width'), height: read('height') };
}

function exam(overrides: Partial<AdminExam> = {}): AdminExam {
  return {
    examId: 'exam-1',
    title: 'Bac blanc',
    subject: 'Mathématiques',
    date: null,
    classNames: ['1G2'],
    archived: false,
    createdAt: '2025-03-01T08:00:00Z',
    maxPoints: null,
    scaleVersion: null,
    published: false,
    publishedAt: null,
    withdrawnReason: null,
    scoringStarted: false,
    progress: { copies: 0, expectedStudents: 30, identified: 0, assigned: 0, inProgress: 0, finalised: 0, flagged: 0 },
    scale: [],
    correctors: [],
    headerRegion: { x: 0, y: 0, width: 1, height: 0.25 },
    dispatchRuns: [],
    ...overrides,
  };
}
