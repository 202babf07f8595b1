import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withI18n } from '@/testing/plugins';
import { stubGraphQL } from '@/testing/graphql-fetch';
import CorrectedCopiesArchiveButton from './CorrectedCopiesArchiveButton.vue';

describe('the exam office’s class ZIP of corrected copies', () => {
  afterEach(() => vi.useRealTimers());

  it('links to the archive route with how many PDFs it holds', async () => {
    const server = stubGraphQL({ CorrectedCopiesArchive: () => ({ data: { correctedCopiesArchive: archive(35, 35, 0) } }) });
    const button = await mountFor('e1');
    expect(server.of('CorrectedCopiesArchive')[0]?.variables).toEqual({ examId: 'e1' });
    const link = button.find('[data-archive-download]');
    expect(link.attributes('href')).toBe('/api/files/exams/e1/corrected.zip');
    expect(link.text()).toBe('Télécharger toutes les copies (ZIP)');
    expect(button.find('[data-archive-status]').text()).toBe('35 copies corrigées prêtes sur 35');
  });

  it('offers no download before the first PDF, and follows the ones being built until they are ready', async () => {
    vi.useFakeTimers();
    const answers = [archive(3, 0, 2), archive(3, 1, 1), archive(3, 2, 0)];
    const server = stubGraphQL({ CorrectedCopiesArchive: (_, call) => ({ data: { correctedCopiesArchive: answers[call - 1] } }) });
    const button = await mountFor('e1');
    expect(button.find('[data-archive-download]').exists()).toBe(false);
    expect(button.find('[data-archive-status]').text()).toBe('aucune copie corrigée prête · 2 en préparation');
    await vi.advanceTimersByTimeAsync(3_000);
    await flushPromises();
    expect(button.find('[data-archive-status]').text()).toBe('1 copie corrigée prête sur 3 · 1 en préparation');
    expect(button.find('[data-archive-download]').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    await flushPromises();
    expect(button.find('[data-archive-status]').text()).toBe('2 copies corrigées prêtes sur 3');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.of('CorrectedCopiesArchive')).toHaveLength(3);
  });
});

const archive = (copies: number, ready: number, pending: number) => ({ url: '/api/files/exams/e1/corrected.zip', copies, ready, pending });

const mountFor = async (examId: string) => {
  const button = mount(CorrectedCopiesArchiveButton, { props: { examId }, ...withI18n });
  await flushPromises();
  return button;
};
