import 'server-only';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The app route a URL path belongs to ("/sidecarsets/[name]"), for metric labels: one series per
 * route, never one per SidecarSet or pod. The patterns come from the build's own routes manifest
 * (.next/routes-manifest.json), so a route added or moved needs no change here.
 */

export interface RoutesManifest {
  staticRoutes?: Array<{ page: string; regex: string }>;
  dynamicRoutes?: Array<{ page: string; regex: string }>;
}

export type RouteMatcher = (urlPath: string) => string;

export function routeMatcher(manifest: RoutesManifest): RouteMatcher {
  const exact = new Map((manifest.staticRoutes ?? []).map((r) => [r.page, r.page]));
  const dynamic = (manifest.dynamicRoutes ?? []).map((r) => ({ page: r.page, regex: new RegExp(r.regex) }));
  return (urlPath) => {
    const p = urlPath.length > 1 ? urlPath.replace(/\/+$/, '') : urlPath;
    const hit = exact.get(p);
    if (hit) return hit;
    if (p.startsWith('/_next/')) return p.startsWith('/_next/static/') ? '/_next/static' : '/_next';
    for (const r of dynamic) if (r.regex.test(p)) return r.page;
    // Unknown paths (404s, scanners) share one label.
    return 'unmatched';
  };
}

let cached: RouteMatcher | undefined;

/** The matcher for this server's build (the working directory's .next), loaded once. */
export function routeOf(urlPath: string): string {
  if (!cached) {
    try {
      const file = path.join(process.cwd(), '.next', 'routes-manifest.json');
      cached = routeMatcher(JSON.parse(readFileSync(file, 'utf8')) as RoutesManifest);
    } catch {
      cached = () => 'unknown';
    }
  }
  return cached(urlPath);
}
