import { randomUUID } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import type { ApiHarness } from '../../support/api-harness.js';
import { IMPORT_COPIES, assignCopy, createExam } from '../../support/copy-fixtures.js';
import { NEW_PASSWORD, ok, signedInStaff } from '../../support/school-fixtures.js';

/**
 * The copy the portal bench corrects: one exam, one teacher, one copy of two ruled A4 pages at
 * 150 dpi (real PNG images in the blob store, so the viewer loads and lays out a real page).
 */
export interface BenchCopy {
  readonly copyId: string;
  readonly teacher: { readonly email: string; readonly password: string };
}

const pageImage = (number: number): Buffer => {
  const canvas = createCanvas(1240, 1754);
  const context = canvas.getContext('2d');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, 1240, 1754);
  context.strokeStyle = '#c8d4e6';
  for (let y = 200; y < 1700; y += 48) {
    context.beginPath();
    context.moveTo(100, y);
    context.lineTo(1160, y);
    context.stroke();
  }
  context.fillStyle = '#222222';
  context.font = '36px sans-serif';
  context.fillText(`Copie de banc d’essai — page ${number}`, 100, 140);
  return canvas.toBuffer('image/png');
};

export const benchCopy = async (api: ApiHarness): Promise<BenchCopy> => {
  const admin = await api.admin();
  const email = 'portal.bench@lycee.test';
  const teacher = await signedInStaff(api, admin, 'TEACHER', email);
  const examId = await createExam(api, [teacher.userId]);
  const pages = await Promise.all(
    [1, 2].map(async (number) => ({ pageId: randomUUID(), number, imageBlobKey: (await api.runtime.blobs.put(pageImage(number))).key })),
  );
  const { importCopies } = ok(
    await admin.graphql<{ importCopies: { copyId: string }[] }>(IMPORT_COPIES, { examId, scanId: randomUUID(), copies: [{ pages }] }),
  );
  const copyId = importCopies[0]!.copyId;
  await assignCopy(api, copyId, teacher.userId);
  return { copyId, teacher: { email, password: NEW_PASSWORD } };
};
