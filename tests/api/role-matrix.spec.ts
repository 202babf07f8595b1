import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { readFile, rm } from 'node:fs/promises';
import {
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { allProjections } from '#projections';
import { SCHEMA_FILE } from '../../apps/api/src/app.module.js';
import { readModelChecksums } from '../../ops/src/read-models.js';
import { ADMIN, ApiClient, type ApiHarness, type GraphQLResult, startApi } from '../support/api-harness.js';
import { SCALE, adminActor, correctedPdfsSettled, importCopies } from '../support/copy-fixtures.js';
import { NEW_PASSWORD, changePassword, createStaff, importRoster, issueAccess, ok, pronoteFile } from '../support/school-fixtures.js';
import { subscribe } from '../support/ws-client.js';

/**
 * The role matrix (issue: "every query and mutation × {anonymous, student, another student, assigned
 * teacher, unassigned teacher, admin}, generated from the schema so a new operation cannot escape it").
 *
 * The operations are read from the schema the running app generates (the one it serves; the drift test
 * in system.spec keeps apps/api/schema.gql equal to it), and RULES below must name every one of them:
 * a new query, mutation or subscription fails the first test until someone decides who may call it.
 * Every operation is then sent by every persona, with arguments generated from its argument types and
 * mapped by name onto the fixture (copyId → the fixture copy, examId → its exam, …), selecting every
 * field the return type has (so that a leaked name would show):
 * - a persona the rule does not allow gets UNAUTHENTICATED, FORBIDDEN or NOT_FOUND and no data, and
 *   nothing is written (same event count and read-model checksums before and after), in two states of
 *   the fixture copy: finalised with the results published, and locked by its corrector mid-correction;
 * - a persona the rule allows gets an answer (disallowed personas all go first; allowed ones last,
 *   destructive admin operations on throwaway targets, sessions re-opened after signOut and co.);
 * - no response a teacher ever receives contains a student's last name, first name or id.
 */

type PersonaName = 'anonymous' | 'student1' | 'student2' | 'teacherA' | 'teacherB' | 'admin';
const PERSONAS: readonly PersonaName[] = ['anonymous', 'student1', 'student2', 'teacherA', 'teacherB', 'admin'];

const EVERYONE = PERSONAS;
const SIGNED_IN: readonly PersonaName[] = ['student1', 'student2', 'teacherA', 'teacherB', 'admin'];
const ADMIN_ONLY: readonly PersonaName[] = ['admin'];
/** Both teachers correct the fixture exam: A has the fixture copy, B another copy of it. */
const EXAM_STAFF: readonly PersonaName[] = ['teacherA', 'teacherB', 'admin'];
/** The fixture copy's own corrector, and the exam office. */
const COPY_CORRECTOR: readonly PersonaName[] = ['teacherA', 'admin'];
const TEACHERS: readonly PersonaName[] = ['teacherA', 'teacherB'];
const STUDENTS: readonly PersonaName[] = ['student1', 'student2'];

const REFUSED = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND']);
const AUTH_ERRORS = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

type Account = { portal: 'ADMIN' | 'TEACHER' | 'STUDENT'; login: string; password: string };
interface Persona {
  readonly name: PersonaName | 'office';
  readonly id: string | null;
  readonly account: Account | null;
  client: ApiClient;
}
type Args = Record<string, unknown>;

interface Rule {
  readonly allow: readonly PersonaName[];
  /** Arguments of the allowed personas' call, over the generated ones (throwaway targets, own passwords…). */
  readonly args?: (who: Persona) => Args | Promise<Args>;
  /** Brings the fixture to a state where the allowed persona's call can succeed; may return arguments too. */
  readonly prepare?: (who: Persona) => Promise<Args | void>;
  /** The error code an allowed persona gets by design in the fixture's state (default: none at all). */
  readonly expectError?: string;
  /** What an allowed persona must see: a problem, or null. */
  readonly check?: (data: Record<string, unknown>, who: Persona) => string | null;
  /** Restores the persona after the call (a session ended, a password changed). */
  readonly after?: (who: Persona) => Promise<void>;
}

/** A teacher's client: every response it receives is kept, to look for students' names in. */
class RecordingClient extends ApiClient {
  constructor(
    base: string,
    private readonly seen: string[],
  ) {
    super(base);
  }

  override async graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResult<T>> {
    const result = await super.graphql<T>(query, variables, headers);
    this.seen.push(JSON.stringify({ data: result.data ?? null, errors: result.errors ?? null }));
    return result;
  }
}

const fx = {
  examId: '',
  spareExamId: '',
  scanId: randomUUID(),
  copy: { copyId: '', pageIds: [] as string[] },
  otherCopyId: '',
  spareCopyId: '',
  annotationId: randomUUID(),
  students: {} as Record<'student1' | 'student2' | 'spare', { studentId: string; lastName: string; firstName: string }>,
  spareSignIn: null as unknown as Account,
  spareRoleId: '',
  spareDeactivateId: '',
  spareResetId: '',
};
let api: ApiHarness;
let office: Persona;
const personas = {} as Record<PersonaName, Persona>;
/** Every response a teacher received, as JSON. */
const teacherResponses: string[] = [];
let emails = 0;
let passwords = 0;

const newClient = (name: Persona['name']): ApiClient =>
  name === 'teacherA' || name === 'teacherB' ? new RecordingClient(api.base, teacherResponses) : api.client();

const signInAgain = async (who: Persona): Promise<void> => {
  who.client = newClient(who.name);
  if (who.account) ok(await who.client.signIn(who.account.portal, who.account.login, who.account.password));
};

// The fixture copy's state, changed through the exam office's own session.
const C1 = () => fx.copy.copyId;
const REOPEN = `mutation($c: ID!, $r: String!) { reopenCopy(copyId: $c, reason: $r) { status } }`;
const FORCE_RELEASE = `mutation($c: ID!, $r: String!) { forceReleaseCopyLock(copyId: $c, reason: $r) { status } }`;
const LOCK = `mutation($c: ID!) { lockCopy(copyId: $c) { status } }`;
const ANNOTATE = `mutation($c: ID!, $a: AnnotationInput!) { addAnnotation(copyId: $c, annotation: $a) { status } }`;
const tick = (annotationId: string, x = 0.5) => ({ annotationId, pageId: fx.copy.pageIds[0], kind: 'TICK', x, y: 0.5 });

const copyState = async (copyId = C1()) =>
  ok(
    await office.client.graphql<{ adminCopy: { status: string; correctorId: string | null; lock: { holderId: string } | null } }>(
      `query($c: ID!) { adminCopy(copyId: $c) { status correctorId lock { holderId } } }`,
      { c: copyId },
    ),
  ).adminCopy;
/** The fixture copy open for correction and unlocked. */
const free = async (): Promise<void> => {
  const state = await copyState();
  if (state.status === 'FINALISED') ok(await office.client.graphql(REOPEN, { c: C1(), r: 'Reprise de la correction' }));
  if (state.lock) ok(await office.client.graphql(FORCE_RELEASE, { c: C1(), r: 'Changement de correcteur' }));
};
/** The fixture copy open for correction and locked by `who`. */
const hold = async (who: Persona): Promise<void> => {
  const state = await copyState();
  if (state.status !== 'FINALISED' && state.lock?.holderId === who.id) return;
  await free();
  ok(await who.client.graphql(LOCK, { c: C1() }));
};

/** Who may call what, for the fixture's targets. Allowed personas run mutations in this order. */
const RULES: Record<string, Rule> = {
  // Queries
  'Query.adminCopy': {
    allow: ADMIN_ONLY,
    check: (data) =>
      (data.adminCopy as { student: { lastName: string } | null }).student?.lastName === fx.students.student1.lastName
        ? null
        : 'the exam office does not see the copy’s student',
  },
  'Query.aiSuggestionStats': { allow: ADMIN_ONLY },
  'Query.aiSuggestions': { allow: COPY_CORRECTOR },
  'Query.aiSuggestionsStatus': { allow: EXAM_STAFF },
  'Query.classes': { allow: ADMIN_ONLY },
  'Query.copies': { allow: ADMIN_ONLY },
  'Query.copy': { allow: COPY_CORRECTOR },
  'Query.copyAt': { allow: ADMIN_ONLY },
  'Query.copyHistory': { allow: ADMIN_ONLY },
  'Query.correctedCopiesArchive': { allow: ADMIN_ONLY },
  'Query.exam': { allow: EXAM_STAFF },
  'Query.examAnswerKey': { allow: ADMIN_ONLY },
  'Query.examFileActivity': { allow: ADMIN_ONLY },
  'Query.exams': { allow: EXAM_STAFF },
  'Query.identificationDesk': { allow: ADMIN_ONLY },
  'Query.identificationProgress': { allow: ADMIN_ONLY },
  'Query.lockBoard': { allow: ADMIN_ONLY },
  'Query.lotStatistics': { allow: TEACHERS },
  'Query.me': { allow: EVERYONE },
  'Query.myCopies': {
    allow: TEACHERS,
    check: (data, who) => {
      const ids = (data.myCopies as { copyId: string }[]).map((copy) => copy.copyId);
      const [mine, theirs] = who.name === 'teacherA' ? [fx.copy.copyId, fx.otherCopyId] : [fx.otherCopyId, fx.copy.copyId];
      return ids.includes(mine) && !ids.includes(theirs) ? null : `lot ${JSON.stringify(ids)} is not the teacher’s own`;
    },
  },
  'Query.myResults': {
    allow: STUDENTS,
    check: (data, who) => {
      const results = data.myResults as { copyId: string; total: number; questions: { points: number | null }[] }[];
      const own = who.name === 'student1' ? fx.copy.copyId : fx.otherCopyId;
      if (JSON.stringify(results.map((result) => result.copyId)) !== JSON.stringify([own])) {
        return `results ${JSON.stringify(results.map((r) => r.copyId))} are not the student’s own copy only`;
      }
      return results[0]!.questions.every((question) => question.points !== null) ? null : 'a question has no score';
    },
  },
  'Query.previewGradingScale': { allow: ADMIN_ONLY },
  // No scan in the fixture: the exam office's preview is answered NOT_FOUND, the others are refused before.
  'Query.recutPreview': { allow: ADMIN_ONLY, expectError: 'NOT_FOUND' },
  'Query.rosterSearch': { allow: ADMIN_ONLY },
  'Query.scans': { allow: ADMIN_ONLY },
  'Query.students': { allow: ADMIN_ONLY },
  'Query.systemStatus': { allow: ADMIN_ONLY },
  'Query.users': { allow: ADMIN_ONLY },

  // Subscriptions
  'Subscription.aiSuggestionChanged': { allow: COPY_CORRECTOR },
  'Subscription.copyLockChanged': { allow: EXAM_STAFF },
  'Subscription.identificationDeskChanged': { allow: ADMIN_ONLY },
  'Subscription.identificationQueue': { allow: ADMIN_ONLY },
  'Subscription.projectionLag': { allow: ADMIN_ONLY },
  'Subscription.scanProgress': { allow: ADMIN_ONLY },

  // The exam office, on throwaway targets where the change would wreck later checks
  'Mutation.importRoster': { allow: ADMIN_ONLY },
  'Mutation.issueStudentAccess': { allow: ADMIN_ONLY, args: () => ({ studentIds: [fx.students.spare.studentId], className: null }) },
  'Mutation.createUser': { allow: ADMIN_ONLY },
  'Mutation.createExam': { allow: ADMIN_ONLY },
  'Mutation.defineGradingScale': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }) },
  // Before the spare exam's dispatch below: afterwards its header region is frozen.
  'Mutation.defineHeaderRegion': {
    allow: ADMIN_ONLY,
    args: () => ({ examId: fx.spareExamId, region: { x: 0.5, y: 0, width: 0.5, height: 0.2 } }),
  },
  'Mutation.assignCorrectors': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }) },
  'Mutation.importCopies': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }) },
  'Mutation.identifyCopy': {
    allow: ADMIN_ONLY,
    args: () => ({ copyId: fx.spareCopyId, studentId: fx.students.spare.studentId }),
  },
  'Mutation.clearIdentification': { allow: ADMIN_ONLY, args: () => ({ copyId: fx.spareCopyId }) },
  'Mutation.flagCopy': { allow: ADMIN_ONLY, args: () => ({ copyId: fx.spareCopyId }) },
  'Mutation.clearFlag': { allow: ADMIN_ONLY, args: () => ({ copyId: fx.spareCopyId }) },
  // Split correction, on fresh copies of the spare exam before its dispatch below
  'Mutation.reorderPages': {
    allow: ADMIN_ONLY,
    args: async () => {
      const [copy] = await importCopies(office.client, fx.spareExamId, 1);
      return { copyId: copy!.copyId, pageIds: [...copy!.pageIds].reverse() };
    },
  },
  'Mutation.movePage': {
    allow: ADMIN_ONLY,
    args: async () => {
      const [from, to] = await importCopies(office.client, fx.spareExamId, 2);
      return { pageId: from!.pageIds[1], toCopyId: to!.copyId };
    },
  },
  'Mutation.splitCopy': {
    allow: ADMIN_ONLY,
    args: async () => {
      const [copy] = await importCopies(office.client, fx.spareExamId, 1);
      return { copyId: copy!.copyId, atPageId: copy!.pageIds[1] };
    },
  },
  'Mutation.mergeCopies': {
    allow: ADMIN_ONLY,
    args: async () => {
      const [target, source] = await importCopies(office.client, fx.spareExamId, 2);
      return { targetCopyId: target!.copyId, sourceCopyId: source!.copyId };
    },
  },
  'Mutation.dispatchCopies': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }) },
  'Mutation.reassignCopy': {
    allow: ADMIN_ONLY,
    args: async () => {
      const { correctorId } = await copyState(fx.spareCopyId);
      return { copyId: fx.spareCopyId, correctorId: correctorId === personas.teacherA.id ? personas.teacherB.id : personas.teacherA.id };
    },
  },
  // The spare exam's copies are neither identified nor finalised: refused by the exam, not by the role.
  'Mutation.publishResults': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }), expectError: 'CONFLICT' },
  'Mutation.withdrawResults': { allow: ADMIN_ONLY, args: () => ({ examId: fx.spareExamId }), expectError: 'CONFLICT' },
  // The fixture has no scan: the exam office's retry is answered NOT_FOUND, the others are refused before.
  'Mutation.retryScan': { allow: ADMIN_ONLY, expectError: 'NOT_FOUND' },
  'Mutation.recutScan': { allow: ADMIN_ONLY, expectError: 'NOT_FOUND' },
  'Mutation.withdrawStudent': { allow: ADMIN_ONLY, args: () => ({ studentId: fx.students.spare.studentId }) },
  'Mutation.deactivateUser': { allow: ADMIN_ONLY, args: () => ({ userId: fx.spareDeactivateId }) },
  'Mutation.reactivateUser': { allow: ADMIN_ONLY, args: () => ({ userId: fx.spareDeactivateId }) },
  'Mutation.changeUserRole': { allow: ADMIN_ONLY, args: () => ({ userId: fx.spareRoleId }) },
  'Mutation.resetUserPassword': { allow: ADMIN_ONLY, args: () => ({ userId: fx.spareResetId }) },

  // The correction workspace on the fixture copy: its corrector, then an admin (who takes the lock first)
  'Mutation.lockCopy': { allow: COPY_CORRECTOR, prepare: free },
  'Mutation.renewCopyLock': { allow: COPY_CORRECTOR, prepare: hold },
  'Mutation.addAnnotation': { allow: COPY_CORRECTOR, prepare: hold, args: () => ({ annotation: tick(randomUUID()) }) },
  'Mutation.editAnnotation': {
    allow: COPY_CORRECTOR,
    prepare: hold,
    args: () => ({ annotation: tick(fx.annotationId, Math.random()) }),
  },
  'Mutation.removeAnnotation': {
    allow: COPY_CORRECTOR,
    prepare: async (who) => {
      await hold(who);
      const annotationId = randomUUID();
      ok(await who.client.graphql(ANNOTATE, { c: C1(), a: tick(annotationId) }));
      return { annotationId };
    },
  },
  'Mutation.awardScore': { allow: COPY_CORRECTOR, prepare: hold },
  // AI suggestions are off in this fixture (no OPENAI_*): the holder is told so; no request exists to review.
  'Mutation.requestAiSuggestions': { allow: COPY_CORRECTOR, prepare: hold, expectError: 'UNAVAILABLE' },
  'Mutation.reviewAiSuggestion': { allow: COPY_CORRECTOR, prepare: hold, expectError: 'NOT_FOUND' },
  'Mutation.defineAnswerKey': { allow: ADMIN_ONLY },
  'Mutation.writeRemark': { allow: COPY_CORRECTOR, prepare: hold },
  'Mutation.writeAppreciation': { allow: COPY_CORRECTOR, prepare: hold },
  'Mutation.unlockCopy': { allow: COPY_CORRECTOR, prepare: hold },
  'Mutation.finalizeCopy': { allow: COPY_CORRECTOR, prepare: hold },
  // Finalised by the admin's finalizeCopy just before.
  'Mutation.reopenCopy': { allow: ADMIN_ONLY },
  'Mutation.forceReleaseCopyLock': { allow: ADMIN_ONLY, prepare: async () => hold(personas.teacherA) },

  // Sessions, last: they end or change the caller's session
  'Mutation.signIn': {
    allow: EVERYONE,
    args: () => ({ portal: fx.spareSignIn.portal, login: fx.spareSignIn.login, password: fx.spareSignIn.password }),
    after: signInAgain,
  },
  'Mutation.changePassword': {
    allow: SIGNED_IN,
    args: (who) => ({ currentPassword: who.account!.password, newPassword: `Encore-${++passwords}-Nouveau-Secret` }),
    after: async (who) => {
      who.account!.password = `Encore-${passwords}-Nouveau-Secret`;
      // It ends the account's other sessions: the exam office's own, for the admin.
      if (who.name === 'admin') await signInAgain(office);
    },
  },
  'Mutation.signOut': { allow: SIGNED_IN, after: signInAgain },
};

/** Argument values by argument (or input field) name: the fixture's targets for every persona. */
const NAMED: Record<string, () => unknown> = {
  copyId: () => fx.copy.copyId,
  examId: () => fx.examId,
  studentId: () => fx.students.student1.studentId,
  studentIds: () => [fx.students.student1.studentId],
  userId: () => personas.teacherA.id,
  correctorId: () => personas.teacherB.id,
  correctorIds: () => [personas.teacherA.id, personas.teacherB.id],
  annotationId: () => fx.annotationId,
  annotation: () => tick(fx.annotationId, 0.25),
  pageId: () => fx.copy.pageIds[0],
  scanId: () => fx.scanId,
  questionId: () => 'q1a',
  questions: () => SCALE,
  copies: () => [{ pages: [{ pageId: randomUUID(), number: 1 }] }],
  revision: () => '0',
  points: () => 2.5,
  leaseMinutes: () => 20,
  reason: () => 'Contrôle des droits d’accès',
  note: () => 'Page 2 très pâle',
  text: () => 'Raisonnement juste, rédaction à soigner.',
  csv: () => pronoteFile(['MORVAN Gwenaëlle;12/09/2008;;TG1;']),
  email: () => `recrue.${++emails}@lycee.test`,
  displayName: () => 'Mme Recrue',
  title: () => 'Bac blanc de physique-chimie',
  subject: () => 'Physique-chimie',
  date: () => '2025-03-14',
  classNames: () => ['TG1'],
  className: () => 'TG1',
  search: () => 'kerguelen',
  login: () => fx.spareSignIn.login,
  password: () => 'Pas-le-bon-mot-de-passe',
  portal: () => 'TEACHER',
  currentPassword: () => 'Pas-le-bon-mot-de-passe',
  newPassword: () => 'Encore-Un-Nouveau-Secret',
};

/** A value for an argument of this type: by name first, else by type (enums: their first value). */
const valueFor = (name: string, type: GraphQLInputType): unknown => {
  const named = getNamedType(type);
  const known = Object.hasOwn(NAMED, name) ? NAMED[name]!() : undefined;
  if (isEnumType(named)) {
    const values = named.getValues().map((value) => value.name);
    const value = values.includes(known as string) ? known : values[0];
    return isListType(isNonNullType(type) ? type.ofType : type) ? [value] : value;
  }
  if (known !== undefined) return known;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return [valueFor(name, inner.ofType as GraphQLInputType)];
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).filter((field) => isNonNullType(field.type) || Object.hasOwn(NAMED, field.name));
    return Object.fromEntries(fields.map((field) => [field.name, valueFor(field.name, field.type)]));
  }
  switch (inner.name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'BigInt':
      return '0';
    default:
      return 'Texte';
  }
};

/** Every required argument (and every optional one the fixture knows by name). */
const argsFor = (field: GraphQLField<unknown, unknown>): Args =>
  Object.fromEntries(
    field.args
      .filter((arg) => (isNonNullType(arg.type) && arg.defaultValue === undefined) || Object.hasOwn(NAMED, arg.name))
      .map((arg) => [arg.name, valueFor(arg.name, arg.type)]),
  );

/**
 * Every field of the type, recursively (fields that need arguments left out), so that a leaked name
 * would show; a list of objects inside two lists gets `__typename` only, to stay under the cost limit.
 */
const selectionOf = (type: GraphQLOutputType, lists = 0): string => {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  const inList = lists + (isListType(isNonNullType(type) ? type.ofType : type) ? 1 : 0);
  if (!isObjectType(named) || inList > 2) return ' { __typename }';
  const fields = Object.values(named.getFields()).filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
  return ` { __typename ${fields.map((field) => `${field.name}${selectionOf(field.type, inList)}`).join(' ')} }`;
};

interface Operation {
  readonly key: string;
  readonly kind: 'query' | 'mutation' | 'subscription';
  readonly field: GraphQLField<unknown, unknown>;
  readonly rule: Rule;
}

const operationsOf = (schema: GraphQLSchema): { key: string; kind: Operation['kind']; field: GraphQLField<unknown, unknown> }[] =>
  (
    [
      ['query', schema.getQueryType()],
      ['mutation', schema.getMutationType()],
      ['subscription', schema.getSubscriptionType()],
    ] as [Operation['kind'], GraphQLObjectType | null | undefined][]
  ).flatMap(([kind, type]) =>
    type ? Object.values(type.getFields()).map((field) => ({ key: `${type.name}.${field.name}`, kind, field })) : [],
  );

const documentOf = (op: Operation, args: Args): string => {
  const used = op.field.args.filter((arg) => args[arg.name] !== undefined);
  const declared = used.length ? `(${used.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ')})` : '';
  const passed = used.length ? `(${used.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
  return `${op.kind} Matrix${declared} { ${op.field.name}${passed}${selectionOf(op.field.type)} }`;
};

const describeResult = (result: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }): string =>
  result.errors ? result.errors.map((error) => `${error.extensions?.code ?? '?'} (${error.message})`).join(', ') : 'data';

describe('the role matrix', () => {
  let operations: Operation[];
  let schemaOperations: string[];
  let committedOperations: string[];
  const schemaFile = path.join(os.tmpdir(), `korrigo-schema-${randomUUID()}.gql`);

  beforeAll(async () => {
    api = await startApi({ schemaFile });
    const live = buildSchema(await readFile(schemaFile, 'utf8'));
    schemaOperations = operationsOf(live).map((op) => op.key);
    committedOperations = operationsOf(buildSchema(await readFile(SCHEMA_FILE, 'utf8'))).map((op) => op.key);
    operations = operationsOf(live)
      .filter((op) => RULES[op.key])
      .map((op) => ({ ...op, rule: RULES[op.key]! }))
      // Allowed personas run in the table's order (a mutation's setup relies on the ones before it).
      .sort((a, b) => Object.keys(RULES).indexOf(a.key) - Object.keys(RULES).indexOf(b.key));
    await buildFixture();
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await rm(schemaFile, { force: true });
  });

  it('has a rule for every query, mutation and subscription of the schema, and none for an operation that is gone', () => {
    expect(schemaOperations.filter((key) => !RULES[key])).toEqual([]);
    expect(committedOperations.filter((key) => !RULES[key])).toEqual([]);
    expect(Object.keys(RULES).filter((key) => !schemaOperations.includes(key))).toEqual([]);
    expect(operations.length * PERSONAS.length).toBeGreaterThanOrEqual(50 * 6);
  });

  describe('once the results are published (the fixture copy finalised)', () => {
    it('refuses every operation to every persona it does not allow, and writes nothing', async () => {
      expect(await refusals()).toEqual([]);
    });

    it('answers every query to the personas it allows, each seeing only their own', async () => {
      const problems: string[] = [];
      for (const op of operations.filter((op) => op.kind === 'query'))
        for (const name of op.rule.allow) problems.push(...(await allowed(op, personas[name])));
      expect(problems).toEqual([]);
    });
  });

  describe('while the fixture copy is being corrected (its corrector holds the lock)', () => {
    beforeAll(async () => {
      await hold(personas.teacherA);
    });

    it('refuses every operation to every persona it does not allow, and writes nothing', async () => {
      expect(await refusals()).toEqual([]);
    });

    it('keeps the subscriptions to the personas it allows', async () => {
      const problems: string[] = [];
      for (const op of operations.filter((op) => op.kind === 'subscription'))
        for (const name of op.rule.allow) problems.push(...(await allowed(op, personas[name])));
      expect(problems).toEqual([]);
    });
  });

  it('lets every persona it allows perform every mutation', async () => {
    const problems: string[] = [];
    for (const op of operations.filter((op) => op.kind === 'mutation'))
      for (const name of PERSONAS.filter((persona) => op.rule.allow.includes(persona)))
        problems.push(...(await allowed(op, personas[name])));
    expect(problems).toEqual([]);
  }, 60_000);

  it('never sends a student’s name or id to a corrector', () => {
    expect(teacherResponses.length).toBeGreaterThan(100);
    const needles = Object.values(fx.students).flatMap((student) => [student.lastName, student.firstName, student.studentId]);
    const leaks = teacherResponses.flatMap((response) =>
      needles
        .filter((needle) => response.toLowerCase().includes(needle.toLowerCase()))
        .map((needle) => `${needle} in ${response.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });

  /** The disallowed pass: every problem found, and nothing written meanwhile. */
  const refusals = async (): Promise<string[]> => {
    const before = await storeAndReadModels();
    const problems: string[] = [];
    for (const op of operations) {
      for (const name of PERSONAS.filter((persona) => !op.rule.allow.includes(persona))) {
        const who = personas[name];
        const args = argsFor(op.field);
        const result =
          op.kind === 'subscription' ? await subscriptionResult(op, who, args, 5000) : await who.client.graphql(documentOf(op, args), args);
        if (result === 'refused') continue;
        const code = result.errors?.[0]?.extensions?.code;
        const data = (result.data as Record<string, unknown> | undefined)?.[op.field.name];
        if (!code || !REFUSED.has(code) || (data !== undefined && data !== null)) {
          problems.push(`${op.key} × ${name}: expected a refusal, got ${describeResult(result)}${data ? ` with data` : ''}`);
        }
      }
    }
    const after = await storeAndReadModels();
    if (after.events !== before.events) problems.push(`the refused calls wrote ${after.events - before.events} event(s)`);
    expect(after.checksums).toEqual(before.checksums);
    return problems;
  };

  /** One allowed call, after its preparation: the problems found. */
  const allowed = async (op: Operation, who: Persona): Promise<string[]> => {
    const prepared = (await op.rule.prepare?.(who)) ?? {};
    const args = { ...argsFor(op.field), ...((await op.rule.args?.(who)) ?? {}), ...prepared };
    const result =
      op.kind === 'subscription' ? await subscriptionResult(op, who, args, 1000) : await who.client.graphql(documentOf(op, args), args);
    await op.rule.after?.(who);
    if (result === 'refused') return [`${op.key} × ${who.name}: the subscription was refused`];
    const codes = (result.errors ?? []).map((error) => error.extensions?.code ?? '?');
    if (codes.some((code) => AUTH_ERRORS.has(code)))
      return [`${op.key} × ${who.name}: refused to an allowed persona: ${describeResult(result)}`];
    if (op.kind === 'subscription') return [];
    if (op.rule.expectError ? codes[0] !== op.rule.expectError : codes.length > 0) {
      return [`${op.key} × ${who.name}: expected ${op.rule.expectError ?? 'an answer'}, got ${describeResult(result)}`];
    }
    const problem = result.data ? op.rule.check?.(result.data, who) : null;
    return problem ? [`${op.key} × ${who.name}: ${problem}`] : [];
  };

  /**
   * A subscription's first answer: 'refused' when the socket itself is refused (no session), an error,
   * or the first event; a live subscription that has nothing to say yet answers `{}`.
   */
  const subscriptionResult = async (op: Operation, who: Persona, args: Args, waitMs: number): Promise<GraphQLResult | 'refused'> => {
    const live = subscribe<Record<string, unknown>>(api, who.client, documentOf(op, args), args);
    try {
      if (
        await live.connected.then(
          () => false,
          () => true,
        )
      )
        return 'refused';
      const result = await live.next(waitMs).catch(() => ({}) as GraphQLResult);
      if (who.name === 'teacherA' || who.name === 'teacherB') teacherResponses.push(JSON.stringify(result));
      return { status: 200, ...result } as GraphQLResult;
    } finally {
      await live.close();
    }
  };

  /** The store's event count and every read model's checksum, once the projections have caught up. */
  const storeAndReadModels = async () => {
    await correctedPdfsSettled(api);
    const head = await api.runtime.store.head();
    if (head) expect(await api.runner.waitFor(head.position, undefined, 10_000)).toBe(true);
    return { events: await api.runtime.store.countEvents(), checksums: await readModelChecksums(api.runtime.pool, allProjections) };
  };
});

/**
 * One exam (TG1, 20-point scale) corrected by two teachers: A has the fixture copy, identified as
 * student 1; B has the other copy, identified as student 2; both finalised, results published. A
 * second exam and spare accounts are the throwaway targets of the exam office's mutations.
 */
const buildFixture = async (): Promise<void> => {
  const adminAccount: Account = { portal: 'ADMIN', login: ADMIN.email, password: ADMIN.password };
  const adminId = (await adminActor(api)).actorId;
  office = { name: 'office', id: adminId, account: adminAccount, client: api.client() };
  await signInAgain(office);
  const admin = office.client;

  const report = await importRoster(
    admin,
    pronoteFile(['KERGUELEN Maëlys;03/04/2008;;TG1;', 'LE GOFF Titouan;17/11/2008;;TG1;', 'ABGRALL Yannick;21/06/2008;;TG1;']),
  );
  const [s1, s2, spare] = report.lines.map((line) => line.studentId!);
  fx.students = {
    student1: { studentId: s1!, lastName: 'KERGUELEN', firstName: 'Maëlys' },
    student2: { studentId: s2!, lastName: 'LE GOFF', firstName: 'Titouan' },
    spare: { studentId: spare!, lastName: 'ABGRALL', firstName: 'Yannick' },
  };

  personas.anonymous = { name: 'anonymous', id: null, account: null, client: api.client() };
  personas.admin = { name: 'admin', id: adminId, account: adminAccount, client: api.client() };
  await signInAgain(personas.admin);
  for (const [name, email, displayName] of [
    ['teacherA', 'anne.morvan@lycee.test', 'Anne Morvan'],
    ['teacherB', 'bertrand.quere@lycee.test', 'Bertrand Quéré'],
  ] as const) {
    const { userId, temporaryPassword } = await createStaff(admin, 'TEACHER', email, displayName);
    const who: Persona = {
      name,
      id: userId,
      account: { portal: 'TEACHER', login: email, password: temporaryPassword },
      client: api.client(),
    };
    await signInAgain(who);
    ok(await changePassword(who.client, temporaryPassword));
    who.account!.password = NEW_PASSWORD;
    personas[name] = who;
  }
  for (const name of ['student1', 'student2'] as const) {
    const [slip] = await issueAccess(admin, { ids: [fx.students[name].studentId] });
    const who: Persona = {
      name,
      id: slip!.studentId,
      account: { portal: 'STUDENT', login: slip!.login, password: slip!.code },
      client: api.client(),
    };
    await signInAgain(who);
    ok(await changePassword(who.client, slip!.code));
    who.account!.password = NEW_PASSWORD;
    personas[name] = who;
  }
  const spareSignIn = await createStaff(admin, 'TEACHER', 'remplacant@lycee.test', 'Remplaçant');
  fx.spareSignIn = { portal: 'TEACHER', login: 'remplacant@lycee.test', password: spareSignIn.temporaryPassword };
  fx.spareRoleId = (await createStaff(admin, 'TEACHER', 'promue@lycee.test', 'Promue')).userId;
  fx.spareDeactivateId = (await createStaff(admin, 'TEACHER', 'partant@lycee.test', 'Partant')).userId;
  fx.spareResetId = (await createStaff(admin, 'TEACHER', 'oublieux@lycee.test', 'Oublieux')).userId;

  const teacherIds = [personas.teacherA.id!, personas.teacherB.id!];
  const newExam = async (title: string): Promise<string> => {
    const { createExam } = ok(
      await admin.graphql<{ createExam: { examId: string } }>(
        `mutation($t: String!) { createExam(title: $t, subject: "Mathématiques", date: "2025-02-11", classNames: ["TG1"]) { examId } }`,
        { t: title },
      ),
    );
    ok(
      await admin.graphql(`mutation($e: ID!, $q: [GradingQuestionInput!]!) { defineGradingScale(examId: $e, questions: $q) { examId } }`, {
        e: createExam.examId,
        q: SCALE,
      }),
    );
    ok(
      await admin.graphql(`mutation($e: ID!, $ids: [ID!]!) { assignCorrectors(examId: $e, correctorIds: $ids) { examId } }`, {
        e: createExam.examId,
        ids: teacherIds,
      }),
    );
    return createExam.examId;
  };
  fx.examId = await newExam('Bac blanc de mathématiques');
  fx.spareExamId = await newExam('Bac blanc de mathématiques — session de rattrapage');

  const [c1, c2] = await importCopies(admin, fx.examId, 2);
  fx.copy = { copyId: c1!.copyId, pageIds: c1!.pageIds };
  fx.otherCopyId = c2!.copyId;
  fx.spareCopyId = (await importCopies(admin, fx.spareExamId, 1))[0]!.copyId;
  const identify = `mutation($c: ID!, $s: ID!) { identifyCopy(copyId: $c, studentId: $s) { status } }`;
  ok(await admin.graphql(identify, { c: fx.copy.copyId, s: fx.students.student1.studentId }));
  ok(await admin.graphql(identify, { c: fx.otherCopyId, s: fx.students.student2.studentId }));
  ok(await admin.graphql(`mutation($e: ID!) { dispatchCopies(examId: $e) { moved } }`, { e: fx.examId }));
  for (const [copyId, teacher] of [
    [fx.copy.copyId, personas.teacherA],
    [fx.otherCopyId, personas.teacherB],
  ] as const) {
    if ((await copyState(copyId)).correctorId !== teacher.id) {
      ok(
        await admin.graphql(`mutation($c: ID!, $t: ID!) { reassignCopy(copyId: $c, correctorId: $t) { status } }`, {
          c: copyId,
          t: teacher.id,
        }),
      );
    }
  }

  for (const [copyId, teacher, pageId, annotationId] of [
    [fx.copy.copyId, personas.teacherA, c1!.pageIds[0]!, fx.annotationId],
    [fx.otherCopyId, personas.teacherB, c2!.pageIds[0]!, randomUUID()],
  ] as const) {
    const client = teacher.client;
    ok(await client.graphql(LOCK, { c: copyId }));
    ok(await client.graphql(ANNOTATE, { c: copyId, a: { annotationId, pageId, kind: 'TICK', x: 0.5, y: 0.5 } }));
    for (const [questionId, points] of [
      ['q1a', 3.5],
      ['q1b', 4.25],
      ['q2', 7],
    ] as const) {
      ok(
        await client.graphql(`mutation($c: ID!, $q: ID!, $p: Float!) { awardScore(copyId: $c, questionId: $q, points: $p) { total } }`, {
          c: copyId,
          q: questionId,
          p: points,
        }),
      );
    }
    ok(await client.graphql(`mutation($c: ID!) { finalizeCopy(copyId: $c) { status } }`, { c: copyId }));
  }
  ok(await admin.graphql(`mutation($e: ID!) { publishResults(examId: $e) { published } }`, { e: fx.examId }));
};
