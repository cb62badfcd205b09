/**
 * Container image references, checked against the grammar of the distribution reference library
 * (github.com/distribution/reference, `reference.go`), which is what the kubelet and every container
 * runtime use to parse `image:`. Kubernetes' API validation only requires a non-empty image without
 * surrounding whitespace; an image the runtime cannot parse is only noticed later, on the node, as
 * `InvalidImageName`. Checking here keeps such a value from ever reaching a fleet.
 *
 *   reference      := name [ ":" tag ] [ "@" digest ]
 *   name           := [domain '/'] remote-name          (at most 255 characters)
 *   domain         := host [':' port-number]
 *   host           := domain-name | IPv4address | '[' IPv6address ']'
 *   remote-name    := path-component ['/' path-component]*
 *   path-component := [a-z0-9]+ ( ( [_.] | __ | [-]+ ) [a-z0-9]+ )*
 *   tag            := [\w][\w.-]{0,127}
 *   digest         := algorithm ":" hex   algorithm := [A-Za-z][A-Za-z0-9]* ([+.-_][A-Za-z][A-Za-z0-9]*)*
 *
 * Pure; no I/O.
 */

export interface ImageReference {
  /** As given (trimmed of nothing: surrounding whitespace is an error). */
  raw: string;
  /** Registry host (with port) when the reference names one, e.g. `ghcr.io`, `localhost:5000`. */
  domain?: string;
  /** Repository path without the domain, e.g. `istio/proxyv2`. */
  path: string;
  /** `domain/path` as written (no docker.io/library normalisation: runtimes do that). */
  repository: string;
  tag?: string;
  digest?: string;
}

export interface ImageWarning {
  code: 'LatestTag' | 'NoTag' | 'TagAndDigest';
  message: string;
}

export type ImageCheck = { ok: true; reference: ImageReference; warnings: ImageWarning[] } | { ok: false; error: string };

const NAME_MAX = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[_.]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]+$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
/** The digest algorithms the distribution library knows, with the hex length each requires. */
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

function isDomain(part: string): boolean {
  let host = part;
  const portAt = part.startsWith('[') ? part.indexOf(']:') + 1 : part.lastIndexOf(':');
  if (portAt > 0) {
    const port = part.slice(portAt + 1);
    if (!PORT.test(port)) return false;
    host = part.slice(0, portAt);
  }
  if (IPV6_HOST.test(host)) return true;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/**
 * Parses and validates an image reference. Errors use the distribution library's wording
 * ("invalid reference format", "repository name must be lowercase", …) followed by what is wrong,
 * so a person can fix the value without looking anything up.
 */
export function checkImageReference(input: string): ImageCheck {
  const raw = input;
  if (raw.length === 0) return { ok: false, error: 'An image is required.' };
  if (raw.trim() !== raw) {
    return { ok: false, error: 'invalid reference format: the image must not start or end with whitespace.' };
  }
  if (/\s/.test(raw)) return { ok: false, error: 'invalid reference format: the image must not contain spaces.' };

  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      return {
        ok: false,
        error: `invalid reference format: "${digest}" is not a digest (expected algorithm:hex, e.g. sha256: followed by 64 hex digits).`,
      };
    }
    const [algorithm = '', hex = ''] = digest.split(':');
    const want = DIGEST_HEX_LENGTH[algorithm];
    if (want === undefined) {
      return { ok: false, error: `unsupported digest algorithm "${algorithm}" (use sha256, sha384 or sha512).` };
    }
    if (hex.length !== want) {
      return { ok: false, error: `invalid checksum digest length: ${algorithm} needs ${want} hex digits, got ${hex.length}.` };
    }
  }

  // A tag follows the last ':' that comes after the last '/': a ':' before it is a registry port.
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      return {
        ok: false,
        error: `invalid reference format: tag "${tag}" must be 1-128 letters, digits, '_', '.' or '-', not starting with '.' or '-'.`,
      };
    }
  }

  const name = rest;
  if (name.length === 0) return { ok: false, error: 'invalid reference format: the repository name is missing.' };
  if (name.length > NAME_MAX) {
    return { ok: false, error: `repository name must not be more than ${NAME_MAX} characters.` };
  }

  const parts = name.split('/');
  let domain: string | undefined;
  // distribution's rule: the first component is a registry when it has a '.' or ':', or is localhost.
  const first = parts[0] ?? '';
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    if (!isDomain(first)) {
      return { ok: false, error: `invalid reference format: "${first}" is not a valid registry host[:port].` };
    }
    domain = first;
    parts.shift();
  }
  for (const part of parts) {
    if (PATH_COMPONENT.test(part)) continue;
    if (PATH_COMPONENT.test(part.toLowerCase())) {
      return { ok: false, error: `invalid reference format: repository name must be lowercase ("${part}").` };
    }
    return {
      ok: false,
      error:
        part === ''
          ? 'invalid reference format: the repository path has an empty component (check the slashes).'
          : `invalid reference format: "${part}" is not a valid repository path component (lowercase letters, digits, and '.', '_', '__' or '-' between them).`,
    };
  }

  const path = parts.join('/');
  const reference: ImageReference = { raw, path, repository: domain ? `${domain}/${path}` : path };
  if (domain) reference.domain = domain;
  if (tag !== undefined) reference.tag = tag;
  if (digest !== undefined) reference.digest = digest;

  const warnings: ImageWarning[] = [];
  if (digest === undefined && tag === undefined) {
    warnings.push({
      code: 'NoTag',
      message: 'No tag: the runtime pulls ":latest", which can change under you and makes pods on "the same" image differ.',
    });
  } else if (digest === undefined && tag === 'latest') {
    warnings.push({
      code: 'LatestTag',
      message:
        'The "latest" tag can change under you: pods upgraded at different times may run different images. Pin a version or a digest.',
    });
  }
  if (digest !== undefined && tag !== undefined) {
    warnings.push({
      code: 'TagAndDigest',
      message: `The digest wins over the tag: the runtime pulls ${reference.repository}@${digest} whatever "${tag}" points to now.`,
    });
  }
  return { ok: true, reference, warnings };
}

/** The repository part of an image string, for "same image, new version" comparisons. */
export function imageRepository(image: string): string {
  const check = checkImageReference(image);
  return check.ok ? check.reference.repository : image;
}

const DEFAULT_DOMAIN = 'docker.io';

/** A valid reference as container runtimes name what they pull. */
export interface NormalizedImage {
  /** Registry host (with port); `docker.io` when the reference names none. */
  domain: string;
  /** `domain/path`, with `library/` before Docker Hub's official images: `docker.io/library/nginx`. */
  repository: string;
  /** The tag; `latest` when the reference has neither tag nor digest. */
  tag?: string;
  digest?: string;
}

/**
 * distribution/reference's ParseNormalizedNamed + TagNameOnly (normalize.go), which containerd and
 * the kubelet apply: no registry means docker.io (index.docker.io is docker.io too), a one-part
 * Docker Hub path gets `library/`, and a bare name is `:latest`. Undefined for an invalid reference.
 */
export function normalizeImageReference(image: string): NormalizedImage | undefined {
  const check = checkImageReference(image);
  if (!check.ok) return undefined;
  const ref = check.reference;
  const domain = !ref.domain || ref.domain === 'index.docker.io' ? DEFAULT_DOMAIN : ref.domain;
  const path = domain === DEFAULT_DOMAIN && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  const out: NormalizedImage = { domain, repository: `${domain}/${path}` };
  if (ref.tag !== undefined) out.tag = ref.tag;
  else if (ref.digest === undefined) out.tag = 'latest';
  if (ref.digest !== undefined) out.digest = ref.digest;
  return out;
}

/** The normalized repository of a name (`nginx` → `docker.io/library/nginx`); the name itself when it is not valid. */
export function normalizedRepository(name: string): string {
  return normalizeImageReference(name)?.repository ?? name;
}
