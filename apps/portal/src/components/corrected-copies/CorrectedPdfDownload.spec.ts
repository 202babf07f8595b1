import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { withI18n } from '@/testing/plugins';
import CorrectedPdfDownload from './CorrectedPdfDownload.vue';

describe('a corrected copy’s PDF', () => {
  const render = (pdf: { ready: boolean; url: string | null } | null, extra: { compact?: boolean; code?: string } = {}) =>
    mount(CorrectedPdfDownload, { props: { pdf, ...extra }, ...withI18n });

  it('is a download of the route the API gave, named for screen readers in a table', () => {
    const link = render({ ready: true, url: '/api/files/copies/c1/corrected.pdf' }, { compact: true, code: 'K-042' }).find('a');
    expect(link.attributes('href')).toBe('/api/files/copies/c1/corrected.pdf');
    expect(link.attributes('download')).toBeDefined();
    expect(link.text()).toBe('PDF');
    expect(link.attributes('aria-label')).toBe('Télécharger la copie corrigée K-042 (PDF)');
  });

  it('is announced as being prepared while the server builds it', () => {
    const view = render({ ready: false, url: null });
    expect(view.find('a').exists()).toBe(false);
    expect(view.find('[role="status"]').text()).toBe('PDF en préparation…');
  });

  it('is nothing at all before the copy is finalised', () => {
    expect(render(null).text()).toBe('');
  });
});
