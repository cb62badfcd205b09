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

export interface ImageRef {
  /** As containerd normalizes it: docker.io/library/nginx */
  repo: string;
  /** Registry host (docker.io when none is given). */
  host: string;
  tag?: string;
  digest?: string;
}

export type ImageBehaviour = 'ok' | 'pull-not-found' | 'pull-no-host' | 'crashloop' | 'invalid';

const REF =
  /^(?:([a-z0-9.-]+(?::\d+)?)\/)?([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::([\w][\w.-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$/;

export function parseImage(image: string): ImageRef | undefined {
  const m = REF.exec(image);
  if (!m) return undefined;
  let host = m[1];
  let path = m[2] as string;
  // "foo/bar": the first part is a host only if it looks like one (has a dot or port, or is localhost).
  if (host && !host.includes('.') && !host.includes(':') && host !== 'localhost') {
    path = `${host}/${path}`;
    host = undefined;
  }
  host ??= 'docker.io';
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return { repo: `${host}/${path}`, host, tag: m[3] ?? (m[4] ? undefined : 'latest'), digest: m[4] };
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
