import { mapLimited } from '../../../apps/api/src/shared/command-context.js';
import type { ApiClient, ApiHarness } from '../../support/api-harness.js';
import { type ImportedCopy, SCALE, assignCopy, createExam, importCopies } from '../../support/copy-fixtures.js';
import { NEW_PASSWORD, ok, signedInStaff } from '../../support/school-fixtures.js';

/**
 * The school the API bench works on, made through the API and the fixtures of the specs: one exam
 * with a scale, a teacher with a lot of `lotSize` copies, and `correctors` colleagues with
 * `copiesPerCorrector` copies each (the load run's correctors), all in the same exam.
 */
export interface BenchSchool {
  readonly examId: string;
  readonly lotTeacher: { readonly userId: string; readonly email: string; readonly client: ApiClient };
  readonly lot: readonly ImportedCopy[];
  readonly correctors: readonly { readonly userId: string; readonly client: ApiClient; readonly copies: readonly ImportedCopy[] }[];
}

/** The questions of SCALE that take points, with their maximum and step. */
export const SCORED_QUESTIONS = SCALE.flatMap((question) => question.children ?? [question]).map((question) => ({
  questionId: question.questionId,
  maxPoints: question.maxPoints!,
  step: question.step!,
}));

const IMPORT_BATCH = 200;

export const buildSchool = async (
  api: ApiHarness,
  options: { lotSize: number; correctors: number; copiesPerCorrector: number; log: (line: string) => void },
): Promise<BenchSchool> => {
  const admin = await api.admin();
  options.log(`creating ${options.correctors + 1} teacher accounts (argon2id: a few seconds)…`);
  const lotEmail = 'lot.teacher@lycee.test';
  const lotTeacher = { ...(await signedInStaff(api, admin, 'TEACHER', lotEmail)), email: lotEmail };
  const colleagues = await mapLimited(
    Array.from({ length: options.correctors }, (_, i) => i),
    4,
    (i) => signedInStaff(api, admin, 'TEACHER', `corrector.${i + 1}@lycee.test`),
  );
  const examId = await createExam(api, [lotTeacher.userId, ...colleagues.map((colleague) => colleague.userId)]);

  const total = options.lotSize + options.correctors * options.copiesPerCorrector;
  options.log(`importing and assigning ${total} copies…`);
  const copies: ImportedCopy[] = [];
  for (let done = 0; done < total; done += IMPORT_BATCH)
    copies.push(...(await importCopies(admin, examId, Math.min(IMPORT_BATCH, total - done))));
  const lot = copies.slice(0, options.lotSize);
  const correctors = colleagues.map((colleague, i) => ({
    ...colleague,
    copies: copies.slice(options.lotSize + i * options.copiesPerCorrector, options.lotSize + (i + 1) * options.copiesPerCorrector),
  }));
  const assignments = [
    ...lot.map((copy) => ({ copyId: copy.copyId, correctorId: lotTeacher.userId })),
    ...correctors.flatMap((corrector) => corrector.copies.map((copy) => ({ copyId: copy.copyId, correctorId: corrector.userId }))),
  ];
  await mapLimited(assignments, 8, ({ copyId, correctorId }) => assignCopy(api, copyId, correctorId));
  return { examId, lotTeacher, lot, correctors };
};

/** Another tab of a teacher: a session of its own, signed in with the password the fixtures chose. */
export const newSession = async (api: ApiHarness, email: string): Promise<ApiClient> => {
  const client = api.client();
  ok(await client.signIn('TEACHER', email, NEW_PASSWORD));
  return client;
};
