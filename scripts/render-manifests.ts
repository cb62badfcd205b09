/**
 * `npm run manifests`: renders charts/sidecar-fleet into deploy/manifests.yaml, the plain-manifest
 * install (`kubectl apply -f`). `--check` changes nothing and fails when the file is not what the
 * chart renders (CI runs it, and tools/deploy/chart.test.ts does the same).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MANIFESTS, renderPlainManifests } from '../tools/deploy/chart';

const rendered = renderPlainManifests();
const current = existsSync(MANIFESTS) ? readFileSync(MANIFESTS, 'utf8') : '';
const rel = path.relative(process.cwd(), MANIFESTS);
if (process.argv.includes('--check')) {
  if (current !== rendered) {
    console.error(`${rel} is not what charts/sidecar-fleet renders: run \`npm run manifests\` and commit it.`);
    process.exit(1);
  }
  console.log(`${rel} is up to date.`);
} else {
  mkdirSync(path.dirname(MANIFESTS), { recursive: true });
  writeFileSync(MANIFESTS, rendered);
  console.log(current === rendered ? `${rel} was already up to date.` : `wrote ${rel}`);
}
