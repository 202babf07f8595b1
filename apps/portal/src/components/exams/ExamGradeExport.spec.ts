import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { i18n } from '@/i18n';
import type { AdminExam } from '@/composables/use-exam';
import { useNoticesStore } from '@/stores/notices';
import ExamGradeExport from './ExamGradeExport.vue';

enableAutoUnmount(afterEach);
const saved: { href: string; download: string }[] = [];
beforeEach(() => {
  document.cookie = 'korrigo_csrf=csrf-token-1';
  saved.length = 0;
  vi.stubGlobal(
    'URL',
    class extends URL {
      static override createObjectURL = (): string => 'blob:grades';
      static override revokeObjectURL = (): void => undefined;
    },
  );
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    saved.push({ href: this.href, download: this.download });
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('exporting the grades from the exam page', () => {
  it('downloads the Pronote file with the chosen coefficient and subject, named by the server', async () => {
    const requests = answer(200, 'NOM;PRENOM\r\n', { 'content-disposition': 'attachment; filename="notes_maths_2026-03-12_pronote.csv"' });
    const panel = mountPanel();
    await panel.get('input[name="coefficient"]').setValue('0,5');
    await panel.get('input[name="subject"]').setValue('Maths spé');
    await panel.get('form').trigger('submit');
    await flushPromises();

    expect(requests[0]!.url).toBe('/api/exports/exams/exam-1/grades?format=pronote&coefficient=0%2C5&subject=Maths+sp%C3%A9');
    expect(requests[0]!.headers['X-CSRF-Token']).toBe('csrf-token-1');
    expect(saved).toEqual([{ href: 'blob:grades', download: 'notes_maths_2026-03-12_pronote.csv' }]);
    expect(useNoticesStore().notices.map((notice) => notice.text)).toEqual(['Fichier téléchargé : notes_maths_2026-03-12_pronote.csv']);
  });

  it('sends no Pronote option with the Excel workbook', async () => {
    const requests = answer(200, 'PK', { 'content-disposition': 'attachment; filename="notes_maths_2026-03-12.xlsx"' });
    const panel = mountPanel();
    await panel.get('input[value="xlsx"]').setValue(true);
    expect(panel.find('input[name="coefficient"]').exists()).toBe(false);
    await panel.get('form').trigger('submit');
    await flushPromises();

    expect(requests[0]!.url).toBe('/api/exports/exams/exam-1/grades?format=xlsx');
    expect(saved[0]?.download).toBe('notes_maths_2026-03-12.xlsx');
  });

  it('shows why the marks may not leave yet, with the way to the identification desk', async () => {
    const message =
      '2 copies corrigées ne sont pas identifiées : rattachez-les à leurs élèves au bureau d’identification avant d’exporter les notes.';
    answer(409, JSON.stringify({ error: 'CONFLICT', message }));
    const panel = mountPanel();
    await panel.get('form').trigger('submit');
    await flushPromises();

    const refusal = panel.get('[data-testid="export-refusal"]');
    expect(refusal.attributes('role')).toBe('alert');
    expect(refusal.text()).toContain(message);
    expect(refusal.find('router-link-stub').exists()).toBe(true);
    expect(saved).toEqual([]);
  });

  it('shows the server’s reason for a bad coefficient, and a plain message when the server fails', async () => {
    answer(400, JSON.stringify({ error: 'BAD_USER_INPUT', message: 'Coefficient invalide : un nombre supérieur à 0.' }));
    const panel = mountPanel();
    await panel.get('form').trigger('submit');
    await flushPromises();
    expect(panel.get('[data-testid="export-refusal"]').text()).toBe('Coefficient invalide : un nombre supérieur à 0.');
    expect(panel.find('router-link-stub').exists()).toBe(false);

    answer(500, 'oops');
    await panel.get('form').trigger('submit');
    await flushPromises();
    expect(panel.get('[data-testid="export-refusal"]').text()).toBe('L’export a échoué : réessayez dans un instant.');
  });
});

const EXAM = { examId: 'exam-1', subject: 'Mathématiques' } as AdminExam;

const mountPanel = () =>
  mount(ExamGradeExport, { props: { exam: EXAM }, global: { plugins: [i18n, createPinia()], stubs: { RouterLink: true } } });

/** Every fetch answered with this status, body and headers; the requests are recorded. */
const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
  const requests: { url: string; headers: Record<string, string> }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      requests.push({ url, headers: { ...(init?.headers as Record<string, string>) } });
      return new Response(body, { status, headers });
    }),
  );
  return requests;
};
