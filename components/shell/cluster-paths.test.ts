import { describe, expect, it } from 'vitest';
import { clusterPath, switchClusterPath } from './cluster-paths';

describe('cluster paths', () => {
  it('keeps the page and its filters when the cluster changes', () => {
    expect(switchClusterPath('/c/demo/workloads', '?ns=payments&q=api&sort=pods&dir=desc', 'demo-prod')).toBe(
      '/c/demo-prod/workloads?ns=payments&q=api&sort=pods&dir=desc',
    );
    expect(switchClusterPath('/c/demo/sidecarsets/istio-proxy', '', 'demo-prod')).toBe('/c/demo-prod/sidecarsets/istio-proxy');
    expect(switchClusterPath('/c/demo', '', 'demo-prod')).toBe('/c/demo-prod');
    expect(switchClusterPath('/c/demo/workloads', 'state=drift', 'x')).toBe('/c/x/workloads?state=drift');
  });

  it('leads to the overview from pages that belong to no cluster', () => {
    expect(switchClusterPath('/clusters', '?image=1.22', 'demo')).toBe('/c/demo');
    expect(switchClusterPath('/', '', 'demo')).toBe('/c/demo');
  });

  it('encodes the cluster segment', () => {
    expect(clusterPath('a b', '/workloads')).toBe('/c/a%20b/workloads');
  });
});
