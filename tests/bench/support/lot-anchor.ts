import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { type CopyRow, copySelect, toSummary } from '../../../apps/api/src/copies/copy-rows.js';

/**
 * The anchor of the lot query: the same SELECT on the same read model as CopyReadModel.lot, through
 * a bare `pg` pool, served as JSON of the same shape by a plain node:http server. No framework, no
 * session, no GraphQL: what the hardware gives for this read.
 */
export interface LotAnchor {
  readonly url: string;
  close(): Promise<void>;
}

const LOT_SQL = `${copySelect(false)} WHERE c.corrector_id = $1 AND ($2::text IS NULL OR c.exam_id = $2) ORDER BY c.exam_id, c.anonymous_code`;

const json = (value: unknown): string => JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

export const startLotAnchor = async (pool: pg.Pool): Promise<LotAnchor> => {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        try {
          const { teacherId, examId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { teacherId: string; examId: string | null };
          const { rows } = await pool.query<CopyRow>(LOT_SQL, [teacherId, examId]);
          const body = json({ data: { myCopies: rows.map(toSummary) } });
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
          res.end(body);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/lot`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
