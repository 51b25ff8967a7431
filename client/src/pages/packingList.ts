/** Fetches the packing list PDF (the HttpOnly session cookie goes with a same-origin fetch). */
export async function apiFetchBlob(ids: string[]): Promise<Blob> {
  const res = await fetch(`/api/v1/fulfilment/packing-list.pdf?ids=${ids.join(',')}`, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.blob();
}
