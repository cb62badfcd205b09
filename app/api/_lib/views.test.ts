import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import type { FleetSession } from '@/lib/k8s/fleet';
import { viewPathOf, viewRead } from './views';

const session = { cluster: { id: 'demo', name: 'Demo' } } as FleetSession;

/** The one map from a view's path to its read, shared by the JSON routes and the live stream. */
describe('view paths', () => {
  it('name each live view, decoded as the routes decode them', () => {
    expect(viewRead('/overview')?.notFound(session)).toBe('no overview');
    expect(viewRead('/sidecarsets/mesh%2Dv2')?.notFound(session)).toBe('SidecarSet mesh-v2 not found in cluster Demo');
    expect(viewRead('/workloads?ns=shop&state=failing')?.notFound(session)).toBe('no workloads');
    expect(viewRead('/workloads/shop/Deployment/web?page=2')?.notFound(session)).toBe(
      'Workload Deployment shop/web not found in cluster Demo',
    );
    expect(viewRead('/pods/shop/web-1')?.notFound(session)).toBe('Pod shop/web-1 not found in cluster Demo');
  });

  it('name nothing else: other routes, partial paths, other hosts', () => {
    for (const path of [
      '',
      'overview',
      '/pulse',
      '/sidecarsets',
      '/sidecarsets/a/rollout',
      '/overview/x',
      '/workloads/shop',
      '//evil.example/overview',
      'http://evil.example/overview',
    ]) {
      expect(viewRead(path), path).toBeUndefined();
    }
  });

  it('take a request to /api/c/<cluster>/… as the path after the cluster, with its query', () => {
    expect(viewPathOf(new NextRequest('http://localhost/api/c/demo/workloads?ns=shop'))).toBe('/workloads?ns=shop');
    expect(viewPathOf(new NextRequest('http://localhost/api/c/arn%3Aaws%2Fprod/sidecarsets/mesh'))).toBe('/sidecarsets/mesh');
  });
});
