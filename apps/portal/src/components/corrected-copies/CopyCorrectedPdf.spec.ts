import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { withI18n } from '@/testing/plugins';
import { stubGraphQL } from '@/testing/graphql-fetch';
import CopyCorrectedPdf from './CopyCorrectedPdf.vue';

describe('the corrector’s PDF of the copy just finalised', () => {
  afterEach(() => vi.useRealTimers());

  it('says it is being prepared, even before the read model knows the copy is finalised, then offers the download', async () => {
    vi.useFakeTimers();
    const answers = [null, { ready: false, url: null }, { ready: true, url: '/api/files/copies/c1/corrected.pdf' }];
    const server = stubGraphQL({ CopyCorrectedPdf: (_, call) => ({ data: { copy: { copyId: 'c1', correctedPdf: answers[call - 1] } } }) });
    const view = mount(CopyCorrectedPdf, { props: { copyId: 'c1', code: 'K-042' }, ...withI18n });
    await flushPromises();
    expect(server.of('CopyCorrectedPdf')[0]?.variables).toEqual({ copyId: 'c1' });
    expect(view.find('[data-pdf-pending]').text()).toBe('PDF en préparation…');
    await vi.advanceTimersByTimeAsync(3_000);
    await flushPromises();
    expect(view.find('[data-pdf-pending]').exists()).toBe(true);
    await vi.advanceTimersByTimeAsync(3_000);
    await flushPromises();
    const link = view.find('a[data-pdf-download]');
    expect(link.attributes('href')).toBe('/api/files/copies/c1/corrected.pdf');
    expect(link.attributes('aria-label')).toBe('Télécharger la copie corrigée K-042 (PDF)');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(server.of('CopyCorrectedPdf')).toHaveLength(3);
  });
});
