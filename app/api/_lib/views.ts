import 'server-only';
import type { NextRequest, NextResponse } from 'next/server';
import { getOverview, getPodDetail, getSidecarSetDetail, getWorkloadDetail, getWorkloads, type FleetSession } from '@/lib/k8s/fleet';
import { pageOfWorkloadDetail, parsePage, parseWorkloadQuery } from '@/lib/query/workload-query';
import { answer, errorJson } from './respond';

/**
 * The live views of one cluster, each named by its path under /api/c/<cluster> (what its query
 * fetches): the JSON routes answer one with `readView`, and the live stream (live/route.ts)
 * pushes the same answer again whenever it changes. One home for which read serves which path.
 */
export interface ViewRead {
  read: (session: FleetSession) => Promise<unknown | null>;
  /** The 404 message when the read finds nothing. */
  notFound: (session: FleetSession) => string;
}

const clusterName = (s: FleetSession) => s.cluster?.name ?? 'this cluster';

/** The read behind a view path such as `/overview`, `/sidecarsets/mesh` or `/workloads?ns=shop`; undefined for anything else. */
export function viewRead(path: string): ViewRead | undefined {
  let url: URL;
  try {
    url = new URL(path, 'http://view.invalid');
  } catch {
    return undefined;
  }
  if (url.origin !== 'http://view.invalid' || !path.startsWith('/')) return undefined;
  const parts = url.pathname.split('/').slice(1).map(decodeURIComponent);
  const q = url.searchParams;
  const [head, ...rest] = parts;
  if (head === 'overview' && rest.length === 0) {
    return { read: (s) => getOverview(s), notFound: () => 'no overview' };
  }
  if (head === 'sidecarsets' && rest.length === 1) {
    const name = rest[0] as string;
    return {
      read: (s) => getSidecarSetDetail(name, undefined, s),
      notFound: (s) => `SidecarSet ${name} not found in cluster ${clusterName(s)}`,
    };
  }
  if (head === 'workloads' && rest.length === 0) {
    const query = parseWorkloadQuery(q);
    return { read: (s) => getWorkloads(query, s), notFound: () => 'no workloads' };
  }
  if (head === 'workloads' && rest.length === 3) {
    const [namespace, kind, name] = rest as [string, string, string];
    const page = parsePage(q.get('page'));
    return {
      read: async (s) => {
        const view = await getWorkloadDetail({ namespace, kind, name }, s);
        return view && pageOfWorkloadDetail(view, page);
      },
      notFound: (s) => `Workload ${kind} ${namespace}/${name} not found in cluster ${clusterName(s)}`,
    };
  }
  if (head === 'pods' && rest.length === 2) {
    const [namespace, name] = rest as [string, string];
    return {
      read: (s) => getPodDetail(namespace, name, s),
      notFound: (s) => `Pod ${namespace}/${name} not found in cluster ${clusterName(s)}`,
    };
  }
  return undefined;
}

/** The view path of a request to /api/c/<cluster>/…: what follows the cluster, with the query string. */
export function viewPathOf(req: NextRequest): string {
  return `/${req.nextUrl.pathname.split('/').slice(4).join('/')}${req.nextUrl.search}`;
}

/** A JSON route of one view: its read's answer, or a 404 for a path that names no view. */
export function answerView(req: NextRequest, session: FleetSession): Promise<NextResponse> {
  const v = viewRead(viewPathOf(req));
  if (!v) return Promise.resolve(errorJson('NotFound', 'No such view.', 404));
  return answer(() => v.read(session), v.notFound(session));
}
