import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import ScanUploadForm from './ScanUploadForm.vue';
import { withI18n } from '@/testing/plugins';

enableAutoUnmount(afterEach);
beforeEach(() => {
  document.cookie = 'korrigo_csrf=csrf-token-1';
});

describe('sending a class scan', () => {
  it('shows the upload’s real progress, then hands the accepted scan over', async () => {
    const { form, requests } = mountForm();
    await choose(form, [pdf('classe-1G2.pdf', 4_000_000)]);
    await form.get('input[name="pagesPerCopy"]').setValue('2');
    await form.get('form').trigger('submit');

    const request = requests[0]!;
    expect(request.url).toBe('/api/exams/exam-1/scans');
    expect(request.headers['X-CSRF-Token']).toBe('csrf-token-1');
    expect(request.body.get('mode')).toBe('class');
    expect(request.body.get('pagesPerCopy')).toBe('2');
    expect((request.body.get('file') as File).name).toBe('classe-1G2.pdf');

    request.progress(1_000_000, 4_000_000);
    await flushPromises();
    expect(form.get('[role="progressbar"]').attributes('aria-valuenow')).toBe('25');
    expect(form.get('[data-testid="upload-progress"]').text()).toContain('25 %');

    request.progress(4_000_000, 4_000_000);
    await flushPromises();
    expect(form.get('[data-testid="upload-progress"]').text()).toContain('vérification');

    request.respond(202, { scanId: 'scan-1', pageCount: 16, scans: [{ scanId: 'scan-1', fileName: 'classe-1G2.pdf', pageCount: 16 }] });
    await flushPromises();
    expect(form.emitted('uploaded')?.[0]?.[0]).toEqual([{ scanId: 'scan-1', fileName: 'classe-1G2.pdf', pageCount: 16 }]);
    expect(form.find('[data-testid="upload-progress"]').exists()).toBe(false);
  });

  it('shows the server’s reason, code and page when the PDF is refused', async () => {
    const { form, requests } = mountForm();
    await choose(form, [pdf('scan.pdf')]);
    await form.get('form').trigger('submit');
    requests[0]!.respond(422, { code: 'PAGE_TOO_LARGE', reason: 'La page 7 dépasse la taille maximale (A3 à 600 dpi).', page: 7 });
    await flushPromises();

    const error = form.get('[data-testid="upload-error"]');
    expect(error.text()).toContain('Le PDF a été refusé');
    expect(form.get('[data-testid="upload-reason"]').text()).toBe('La page 7 dépasse la taille maximale (A3 à 600 dpi).');
    expect(error.text()).toContain('PAGE_TOO_LARGE');
    expect(error.text()).toContain('page 7');
    expect(form.emitted('uploaded')).toBeUndefined();
  });

  it('says a file was already imported, with the server’s details', async () => {
    const { form, requests } = mountForm();
    await choose(form, [pdf('scan.pdf')]);
    await form.get('form').trigger('submit');
    const reason =
      'Ce fichier a déjà été importé pour cet examen le 3 mars 2025 à 10:12 (« scan.pdf ») : il n’est pas importé une seconde fois.';
    requests[0]!.respond(409, { code: 'CONFLICT', reason, scanId: 'scan-0' });
    await flushPromises();

    expect(form.get('[data-testid="upload-error"]').text()).toContain('Ce fichier a déjà été importé.');
    expect(form.get('[data-testid="upload-reason"]').text()).toBe(reason);
  });

  it('sends one PDF per student as several files', async () => {
    const { form, requests } = mountForm();
    await form.get('input[value="single"]').setValue(true);
    await choose(form, [pdf('dupont.pdf'), pdf('martin.pdf'), new File(['x'], 'photo.jpg', { type: 'image/jpeg' })]);
    expect(form.text()).toContain('photo.jpg');
    await form.get('form').trigger('submit');

    expect(requests[0]!.body.get('mode')).toBe('single');
    expect(requests[0]!.body.getAll('file').map((file) => (file as File).name)).toEqual(['dupont.pdf', 'martin.pdf']);
  });

  it('says why nothing can be sent once the copies are dispatched', () => {
    const { form } = mountForm({ locked: 'Les copies ont été distribuées.' });
    expect(form.get('[data-testid="upload-locked"]').text()).toBe('Les copies ont été distribuées.');
    expect(form.find('form').exists()).toBe(false);
  });
});

/** A stand-in for XMLHttpRequest that records what is sent and answers when told. */
class FakeRequest {
  url = '';
  headers: Record<string, string> = {};
  body = new FormData();
  status = 0;
  responseText = '';
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  open(_method: string, url: string): void {
    this.url = url;
  }
  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  send(body: FormData): void {
    this.body = body;
  }
  abort(): void {
    this.onabort?.();
  }
  progress(loaded: number, total: number): void {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total } as ProgressEvent);
  }
  respond(status: number, body: unknown): void {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

function mountForm(props: { locked?: string } = {}) {
  const requests: FakeRequest[] = [];
  const createRequest = () => {
    const request = new FakeRequest();
    requests.push(request);
    return request as unknown as XMLHttpRequest;
  };
  const form = mount(ScanUploadForm, { ...withI18n, props: { examId: 'exam-1', createRequest, ...props } });
  return { form, requests };
}

async function choose(form: ReturnType<typeof mount>, files: File[]): Promise<void> {
  const input = form.get<HTMLInputElement>('input[type="file"]');
  Object.defineProperty(input.element, 'files', { value: files, configurable: true });
  await input.trigger('change');
}

function pdf(name: string, size = 1000): File {
  return new File([new Uint8Array(size)], name, { type: 'application/pdf' });
}
