import type { CommandMetadata } from '#domain';
import type { Position } from '#event-store';
import type { ProjectionRunner } from '#projections';
import type { Session } from '../auth/sessions.js';
import type { Actor } from './execute-command.js';
import { ApiError, notFound } from './errors.js';

/** Who acts, for the event's metadata (executeCommand) and for the decider (command metadata). */
export const actorOf = (session: Session): Actor => ({ actorId: session.userId, actorRole: session.role });

export const metadataOf = (session: Session): CommandMetadata => ({
  actorId: session.userId,
  actorRole: session.role,
  now: new Date().toISOString(),
});

/**
 * Read-your-writes (DESIGN §5): waits until the named projections have passed `position`. Names of
 * projections this process does not know (another engineer's read model not registered yet) are left
 * out, so a missing one never turns into a five-second wait. A timeout is reported as UNAVAILABLE: the
 * write happened, but answering from a stale read model would show the portal the old state.
 */
export const readYourWrites = async (runner: ProjectionRunner, position: Position | null, names: readonly string[]): Promise<void> => {
  if (!position) return;
  const known = new Set(runner.projections.map((projection) => projection.name));
  const targets = names.filter((name) => known.has(name));
  if (targets.length === 0) return;
  if (!(await runner.waitFor(position, targets, 5000))) {
    throw new ApiError('UNAVAILABLE', 'Enregistré, mais l’affichage prend du retard : rechargez dans un instant.');
  }
};

/**
 * The read models that follow a copy's stream: a copy write waits for both, since the exam's progress,
 * the dispatch and the publication check read `exam_copies`, and the workspace reads `copies`.
 */
export const COPY_READ_MODELS: readonly string[] = ['copies', 'exam-copies'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids name streams (`exam-<id>`): anything but a uuid is refused before it reaches the store. */
export const requireId = (value: string, what: string): string => {
  if (!UUID.test(value)) throw notFound(`${what} introuvable.`);
  return value.toLowerCase();
};

/** Runs `work` on at most `limit` items at once, keeping the results in order. */
export const mapLimited = async <T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> => {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
};
