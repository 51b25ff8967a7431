import { currentSession } from '../lib/session.ts';

/** Fetches the packing list PDF with the session's token (a plain link would carry none). */
export async function apiFetchBlob(ids: string[]): Promise<Blob> {
  const res = await fetch(`/api/v1/fulfilment/packing-list.pdf?ids=${ids.join(',')}`, { headers: { authorization: `Bearer ${currentSession()?.token ?? ''}` } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.blob();
}
