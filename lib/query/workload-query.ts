import { z } from 'zod';
import type { PodRow, WorkloadDetailView, WorkloadQuery } from '@/lib/fleet/views';

/**
 * The Workloads page's state lives in the URL, so a view can be shared and survives a reload.
 * URL names are short and stable: ns, sidecarset, version, state, q, sort, dir, page.
 * Anything invalid is dropped rather than refused: a hand-edited link still opens.
 */
export const WORKLOADS_PAGE_SIZE = 50;
export const WORKLOAD_PODS_PAGE_SIZE = 50;

export const stateFilters = [
  'healthy',
  'progressing',
  'failing',
  'outdated',
  'not-upgradable',
  'never-injected',
  'orphaned',
  'drift',
] as const;
export const sortKeys = ['name', 'namespace', 'kind', 'pods', 'ready', 'outdated', 'health'] as const;

const text = z.string().trim().min(1).max(253);
const fields = {
  namespace: text,
  sidecarSet: text,
  version: z.string().trim().min(1).max(512),
  state: z.enum(stateFilters),
  q: z.string().trim().min(1).max(200),
  sort: z.enum(sortKeys),
  dir: z.enum(['asc', 'desc']),
  page: z.coerce.number().int().min(1).max(100_000),
} as const;

const urlName: Record<keyof typeof fields, string> = {
  namespace: 'ns',
  sidecarSet: 'sidecarset',
  version: 'version',
  state: 'state',
  q: 'q',
  sort: 'sort',
  dir: 'dir',
  page: 'page',
};

type Params = URLSearchParams | Record<string, string | string[] | undefined>;

function get(params: Params, key: string): string | undefined {
  if (params instanceof URLSearchParams) return params.get(key) ?? undefined;
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
}

export function parseWorkloadQuery(params: Params): WorkloadQuery {
  const out: Record<string, unknown> = { pageSize: WORKLOADS_PAGE_SIZE };
  for (const key of Object.keys(fields) as Array<keyof typeof fields>) {
    const raw = get(params, urlName[key]);
    if (raw === undefined || raw === '') continue;
    const r = fields[key].safeParse(raw);
    if (r.success) out[key] = r.data;
  }
  return out as WorkloadQuery;
}

/** The query string for a WorkloadQuery (defaults left out, so links stay short). */
export function workloadQueryString(q: WorkloadQuery): string {
  const sp = new URLSearchParams();
  for (const key of Object.keys(urlName) as Array<keyof typeof urlName>) {
    const v = q[key];
    if (v === undefined || v === '') continue;
    if (key === 'page' && v === 1) continue;
    if (key === 'sort' && v === 'name') continue;
    if (key === 'dir' && v === 'asc') continue;
    sp.set(urlName[key], String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** A stable, normalized form for query keys (same filters → same key, whatever the URL order). */
export function workloadQueryKey(q: WorkloadQuery): WorkloadQuery {
  return parseWorkloadQuery(new URLSearchParams(workloadQueryString(q)));
}

export function parsePage(raw: string | string[] | undefined | null): number {
  const r = fields.page.safeParse(Array.isArray(raw) ? raw[0] : (raw ?? undefined));
  return r.success ? r.data : 1;
}

/** A workload's pods, one page at a time: a 2,000-pod DaemonSet must not reach the browser whole. */
export type WorkloadDetailPage = Omit<WorkloadDetailView, 'pods'> & {
  pods: PodRow[];
  podsTotal: number;
  page: number;
  pageSize: number;
};

export function pageOfWorkloadDetail(view: WorkloadDetailView, page: number): WorkloadDetailPage {
  const pages = Math.max(1, Math.ceil(view.pods.length / WORKLOAD_PODS_PAGE_SIZE));
  const p = Math.min(Math.max(1, page), pages);
  const { pods, ...rest } = view;
  return {
    ...rest,
    pods: pods.slice((p - 1) * WORKLOAD_PODS_PAGE_SIZE, p * WORKLOAD_PODS_PAGE_SIZE),
    podsTotal: pods.length,
    page: p,
    pageSize: WORKLOAD_PODS_PAGE_SIZE,
  };
}
