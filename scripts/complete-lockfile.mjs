#!/usr/bin/env node
/**
 * Adds the lock entries npm leaves out when the registry mirror it installs from lacks other
 * platforms' prebuilt binaries (e.g. @next/swc-darwin-arm64). Without them `npm ci` refuses the
 * lock ("Missing: … from lock file"). Each added entry is an optional dependency whose os/cpu/libc
 * come from its package name, so npm skips it on any other platform without fetching it.
 *
 * Run after every `npm install` that changes package-lock.json:  node scripts/complete-lockfile.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages;

function platformOf(name) {
  const tail = name.split('/').pop();
  const os = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openbsd', 'sunos', 'aix', 'netbsd'].find((o) => tail.includes(`-${o}-`));
  if (tail.endsWith('-wasm32-wasi')) return { cpu: ['wasm32'] };
  const cpu = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64'].find((c) => new RegExp(`-${c}(-|$)`).test(tail));
  if (!os || !cpu) return undefined;
  const out = { os: [os], cpu: [cpu] };
  if (/-musl(-|$)/.test(tail)) out.libc = ['musl'];
  else if (os === 'linux' && /-gnu(eabihf)?(-|$)/.test(tail)) out.libc = ['glibc'];
  return out;
}

let added = 0;
for (const [path, meta] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(meta.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dep}`;
    if (packages[nested] || packages[`node_modules/${dep}`]) continue;
    const platform = platformOf(dep);
    if (!platform || !/^\d+\.\d+\.\d+/.test(version)) {
      console.error(`complete-lockfile: cannot place ${dep}@${version} (needed by ${path || 'the root'})`);
      process.exitCode = 1;
      continue;
    }
    packages[`node_modules/${dep}`] = { version, optional: true, ...platform };
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
lock.packages = sorted;
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} platform entries`);
