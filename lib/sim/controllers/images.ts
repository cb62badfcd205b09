/**
 * Image references and the simulator's failure rules, decided by the image string alone:
 * - tag ending in `-broken`                        → ErrImagePull / ImagePullBackOff (manifest not found)
 * - registry host `invalid.example`, or any host under the reserved `.invalid`, `.example`, `.test`
 *   or `.local` names (RFC 2606/6761)              → ErrImagePull / ImagePullBackOff (no such host)
 * - tag ending in `-crashloop`                     → starts, exits with code 1, CrashLoopBackOff
 * - tag ending in `-slow`                          → every kubelet step takes 10× longer
 * - a reference that is not valid (upper case, spaces, empty) → InvalidImageName
 */
import { createHash } from 'node:crypto';
import { normalizeImageReference } from '@/lib/fleet/image-reference';

export interface ImageRef {
  /** As containerd names it: docker.io/library/nginx */
  repo: string;
  /** Registry host (docker.io when none is given). */
  host: string;
  tag?: string;
  digest?: string;
}

export type ImageBehaviour = 'ok' | 'pull-not-found' | 'pull-no-host' | 'crashloop' | 'invalid';

/** The reference as containerd names it (lib/fleet/image-reference.ts), in the kubelet's terms. */
export function parseImage(image: string): ImageRef | undefined {
  const n = normalizeImageReference(image);
  if (!n) return undefined;
  return { repo: n.repository, host: n.domain, tag: n.tag, digest: n.digest };
}

export function imageBehaviour(image: string | undefined): ImageBehaviour {
  if (!image || image.trim() === '') return 'invalid';
  const ref = parseImage(image);
  if (!ref) return 'invalid';
  const h = ref.host.replace(/:\d+$/, '');
  if (h === 'invalid.example' || /\.(invalid|example|test|local)$/.test(h)) return 'pull-no-host';
  if (ref.tag?.endsWith('-broken')) return 'pull-not-found';
  if (ref.tag?.endsWith('-crashloop')) return 'crashloop';
  return 'ok';
}

export function isSlowImage(image: string | undefined): boolean {
  return !!parseImage(image ?? '')?.tag?.endsWith('-slow');
}

/** The digest the simulated registry serves for an image string (sha256 of the string). */
export function imageDigest(image: string): string {
  const ref = parseImage(image);
  if (ref?.digest) return ref.digest;
  return `sha256:${createHash('sha256').update(image).digest('hex')}`;
}

/** status.containerStatuses[].imageID: `<repo>@sha256:<digest>` as containerd reports it. */
export function imageIdFor(image: string): string {
  const ref = parseImage(image);
  return `${ref?.repo ?? image}@${imageDigest(image)}`;
}

export function pullFailureMessage(image: string, behaviour: ImageBehaviour): string {
  const ref = parseImage(image);
  const full = ref ? `${ref.repo}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}` : image;
  if (behaviour === 'pull-no-host') {
    const host = ref?.host ?? 'unknown';
    return `Failed to pull image "${image}": failed to pull and unpack image "${full}": failed to resolve reference "${full}": failed to do request: Head "https://${host}/v2/${ref?.repo.slice(host.length + 1)}/manifests/${ref?.tag ?? 'latest'}": dial tcp: lookup ${host.replace(/:\d+$/, '')}: no such host`;
  }
  return `Failed to pull image "${image}": failed to pull and unpack image "${full}": failed to resolve reference "${full}": ${full}: not found`;
}
