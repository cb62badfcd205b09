import { z } from 'zod';

/** The cross-cluster image search (`/clusters?image=…`, `/api/clusters/images?q=…`): words, at most 200 characters. */
export const IMAGE_QUERY = z.string().trim().max(200, 'Search for at most 200 characters.');

/** The search from a page's query string: a bad value reads as no search, so a hand-edited link still opens. */
export function parseImageQuery(raw: string | string[] | undefined | null): string {
  const r = IMAGE_QUERY.safeParse(Array.isArray(raw) ? raw[0] : (raw ?? ''));
  return r.success ? r.data : '';
}
