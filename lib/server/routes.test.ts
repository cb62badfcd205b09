import { describe, expect, it } from 'vitest';
import { routeMatcher } from './routes';

// The shape `next build` writes to .next/routes-manifest.json (entries from this app's build).
const manifest = {
  staticRoutes: [
    { page: '/', regex: '^/(?:/)?$' },
    { page: '/api/pulse', regex: '^/api/pulse(?:/)?$' },
    { page: '/readyz', regex: '^/readyz(?:/)?$' },
    { page: '/workloads', regex: '^/workloads(?:/)?$' },
  ],
  dynamicRoutes: [
    { page: '/sidecarsets/[name]', regex: '^/sidecarsets/([^/]+?)(?:/)?$' },
    { page: '/api/sidecarsets/[name]/rollout', regex: '^/api/sidecarsets/([^/]+?)/rollout(?:/)?$' },
    { page: '/workloads/[namespace]/[kind]/[name]', regex: '^/workloads/([^/]+?)/([^/]+?)/([^/]+?)(?:/)?$' },
  ],
};

describe('routeMatcher', () => {
  const route = routeMatcher(manifest);

  it.each([
    ['/', '/'],
    ['/api/pulse', '/api/pulse'],
    ['/readyz/', '/readyz'],
    ['/workloads', '/workloads'],
    ['/sidecarsets/istio-proxy', '/sidecarsets/[name]'],
    ['/api/sidecarsets/istio-proxy/rollout', '/api/sidecarsets/[name]/rollout'],
    ['/workloads/shop/Deployment/web', '/workloads/[namespace]/[kind]/[name]'],
    ['/_next/static/chunks/app.js', '/_next/static'],
    ['/_next/image', '/_next'],
    ['/wp-login.php', 'unmatched'],
    ['/sidecarsets/a/b', 'unmatched'],
  ])('labels %s as %s', (path, expected) => {
    expect(route(path)).toBe(expected);
  });
});
