#!/usr/bin/env node
/**
 * Lays out what the container image runs, from a finished `next build` (output: 'standalone'):
 *
 *   <out>/app/server.js, package.json, node_modules/   .next/standalone (only the traced dependencies)
 *   <out>/app/.next/static/                            the browser assets (.next/static)
 *   <out>/app/public/                                  public/, when the app has one
 *   <out>/app/.next/cache -> /tmp/next-cache           Next's runtime cache, in the writable /tmp
 *
 * The Dockerfile's build stage runs it and its final stage copies <out>/app to /app, and CI runs it
 * to start the same tree the same way (tools/deploy/image.ts): one definition of the layout.
 *
 *   node scripts/image-layout.mjs OUT_DIR
 */
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/image-layout.mjs OUT_DIR');
  process.exit(2);
}
const standalone = path.join(root, '.next', 'standalone');
if (!existsSync(path.join(standalone, 'server.js'))) {
  console.error(`image-layout: no ${standalone}/server.js: run \`next build\` first (next.config.js sets output: 'standalone')`);
  process.exit(1);
}
const app = path.join(path.resolve(out), 'app');
rmSync(app, { recursive: true, force: true });
mkdirSync(app, { recursive: true });
// verbatimSymlinks: the standalone tree's own links (Turbopack's external modules) stay relative.
cpSync(standalone, app, { recursive: true, verbatimSymlinks: true });
cpSync(path.join(root, '.next', 'static'), path.join(app, '.next', 'static'), { recursive: true });
if (existsSync(path.join(root, 'public'))) cpSync(path.join(root, 'public'), path.join(app, 'public'), { recursive: true });
// The root filesystem is read-only in the pod: anything Next caches at runtime goes to /tmp (an emptyDir).
rmSync(path.join(app, '.next', 'cache'), { recursive: true, force: true });
symlinkSync('/tmp/next-cache', path.join(app, '.next', 'cache'));
console.log(app);
