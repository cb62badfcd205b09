/**
 * OpenKruise's CRDs and webhook configurations, read from the pinned module's own `config/`
 * folder and put together the way its kustomizations do (`config/default/kustomization.yaml`:
 * namePrefix `kruise-`, namespace `kruise-system`; `config/crd/kustomization.yaml`: the
 * `webhook_in_*` patches that turn on conversion webhooks; `config/webhook/patch_manifests.yaml`:
 * selectors merged into the generated webhooks by name). kustomize is not one of our tools, and
 * these three transformations are all Kruise's install needs, so they are done here.
 *
 * kruise-manager then fills in what is left (`pkg/webhook/util/configuration/configuration.go`,
 * `pkg/webhook/util/crd/crd.go`): with WEBHOOK_HOST set it replaces each service reference with
 * `url: https://<host>:<port><path>` and sets the caBundle of the certificate it wrote.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';

export const KRUISE_NAMESPACE = 'kruise-system';
const NAME_PREFIX = 'kruise-';
const WEBHOOK_SERVICE = { namespace: KRUISE_NAMESPACE, name: `${NAME_PREFIX}webhook-service` };

type Doc = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };

/** Where the Go module cache holds the pinned OpenKruise module. */
export function kruiseModuleDir(toolsDir: string): string {
  return execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', 'github.com/openkruise/kruise'], {
    cwd: path.join(toolsDir, 'kruise'),
    env: { ...process.env, GOFLAGS: '-mod=readonly', GOSUMDB: 'off' },
    encoding: 'utf8',
  }).trim();
}

function loadAll(file: string): Doc[] {
  return (yaml.loadAll(readFileSync(file, 'utf8')) as Array<Doc | null>).filter((d): d is Doc => !!d);
}

/** The uncommented entries of a kustomization list (`resources`, `patchesStrategicMerge`). */
function kustomizationList(file: string, key: string): string[] {
  const k = yaml.load(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const v = k[key];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Every CRD of `config/crd`, with the conversion webhooks its kustomization enables. */
export function kruiseCrds(moduleDir: string): Doc[] {
  const dir = path.join(moduleDir, 'config', 'crd');
  const kustomization = path.join(dir, 'kustomization.yaml');
  const crds = kustomizationList(kustomization, 'resources').flatMap((f) => loadAll(path.join(dir, f)));
  for (const patchFile of kustomizationList(kustomization, 'patchesStrategicMerge')) {
    for (const patch of loadAll(path.join(dir, patchFile))) {
      const crd = crds.find((c) => c.metadata?.name === patch.metadata?.name);
      const conversion = (patch.spec as { conversion?: { webhook?: { clientConfig?: { service?: Record<string, unknown> } } } })
        ?.conversion;
      if (!crd || !conversion) continue;
      const service = conversion.webhook?.clientConfig?.service;
      if (service) Object.assign(service, WEBHOOK_SERVICE);
      (crd.spec as Record<string, unknown>).conversion = conversion;
    }
  }
  return crds;
}

/** The mutating and validating webhook configurations of `config/webhook`, named as installed. */
export function kruiseWebhookConfigurations(moduleDir: string): Doc[] {
  const dir = path.join(moduleDir, 'config', 'webhook');
  const kustomization = path.join(dir, 'kustomization.yaml');
  const docs = kustomizationList(kustomization, 'resources')
    .flatMap((f) => loadAll(path.join(dir, f)))
    .filter((d) => d.kind === 'MutatingWebhookConfiguration' || d.kind === 'ValidatingWebhookConfiguration');
  for (const patchFile of kustomizationList(kustomization, 'patchesStrategicMerge')) {
    for (const patch of loadAll(path.join(dir, patchFile))) {
      const target = docs.find((d) => d.kind === patch.kind && d.metadata?.name === patch.metadata?.name);
      if (!target) continue;
      const hooks = (target.webhooks ?? []) as Array<Record<string, unknown>>;
      for (const ph of (patch.webhooks ?? []) as Array<Record<string, unknown>>) {
        const hook = hooks.find((h) => h.name === ph.name);
        if (hook) Object.assign(hook, ph);
      }
    }
  }
  for (const d of docs) {
    d.metadata = { ...d.metadata, name: `${NAME_PREFIX}${d.metadata?.name}` };
    for (const h of (d.webhooks ?? []) as Array<{ clientConfig?: { service?: Record<string, unknown> } }>) {
      if (h.clientConfig?.service) Object.assign(h.clientConfig.service, WEBHOOK_SERVICE);
    }
  }
  return docs;
}
