/** Claims test helpers: real files, real uploads, waiting on the real tally worker. */
import { randomBytes } from 'node:crypto';
import { PNG } from 'pngjs';
import type { Worker } from 'bullmq';
import { api, getTestHub } from '../support/testHub.ts';
import { bureauToken, unique } from '../support/factories.ts';
import { startWorkers } from '../../workers/main.ts';

/** A small valid PNG whose pixels differ on every call, so each file has its own SHA-256. */
export function uniquePng(): Buffer {
  const png = new PNG({ width: 4, height: 4 });
  randomBytes(png.data.length).copy(png.data);
  return PNG.sync.write(png);
}

export function uniquePdf(): Buffer {
  return Buffer.from(`%PDF-1.4\n% ${randomBytes(8).toString('hex')}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n`);
}

export async function upload(token: string, claimId: string, itemId: string, bytes: Buffer, filename = 'invoice.png', type = 'image/png') {
  const { baseUrl } = await getTestHub();
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), filename);
  const res = await fetch(`${baseUrl}/api/v1/claims/${claimId}/items/${itemId}/evidence`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

let invoiceCounter = 0;
export function invoice() {
  invoiceCounter += 1;
  return {
    invoiceCode: `3500${Date.now().toString().slice(-6)}`,
    invoiceNo: `${process.pid}${invoiceCounter}${Math.floor(Math.random() * 1e6)}`,
  };
}

export function item(category: string, amountFen: number, description = '直播设备') {
  return { category, description, amountFen, ...invoice() };
}

/** Starts the worker processors once per test process (closed by stopTestWorkers). */
let workers: Worker[] | null = null;
export async function startTestWorkers(): Promise<void> {
  if (workers) return;
  const { ctx } = await getTestHub();
  workers = await startWorkers(ctx);
}
export async function stopTestWorkers(): Promise<void> {
  if (!workers) return;
  const list = workers;
  workers = null;
  await Promise.all(list.map((w) => w.close()));
}

/** Polls the claim until it reaches one of `statuses` (the worker runs asynchronously). */
export async function waitForStatus(token: string, claimId: string, statuses: string[] = ['assessed'], timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await api('GET', `/api/v1/claims/${claimId}`, { token });
    if (statuses.includes(res.body?.status)) return res.body;
    if (Date.now() > deadline) throw new Error(`claim ${claimId} stayed ${res.body?.status} (wanted ${statuses.join('/')})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A registered and filed livestream base for the association user. */
export async function filedBase(associationToken: string) {
  const base = await api('POST', '/api/v1/bases', { token: associationToken, body: { name: unique('基地') } });
  if (base.status !== 201) throw new Error(`base: ${JSON.stringify(base.body)}`);
  const filed = await api('POST', `/api/v1/bases/${base.body.id}/filing`, {
    token: await bureauToken(),
    body: { filingNo: unique('BA-'), filedAt: '2020-03-01T00:00:00+08:00' },
  });
  if (filed.status !== 200) throw new Error(`filing: ${JSON.stringify(filed.body)}`);
  return base.body.id as string;
}

/** Creates a claim, uploads one unique file per item, submits it and waits for the assessment. */
export async function fileAndSubmit(token: string, body: Record<string, unknown>, opts: { evidence?: boolean } = {}) {
  const created = await api('POST', '/api/v1/claims', { token, body });
  if (created.status !== 201) throw new Error(`create claim: ${created.status} ${JSON.stringify(created.body)}`);
  if (opts.evidence !== false) {
    for (const it of created.body.items) {
      const up = await upload(token, created.body.id, it.id, uniquePng());
      if (up.status !== 201) throw new Error(`upload: ${up.status} ${JSON.stringify(up.body)}`);
    }
  }
  const submitted = await api('POST', `/api/v1/claims/${created.body.id}/submit`, { token });
  if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  return waitForStatus(token, created.body.id);
}
