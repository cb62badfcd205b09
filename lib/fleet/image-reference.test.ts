import { describe, expect, it } from 'vitest';
import { checkImageReference, imageRepository, normalizedRepository, normalizeImageReference } from './image-reference';

const SHA = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

describe('checkImageReference: valid references', () => {
  it.each([
    ['docker.io/istio/proxyv2:1.21.0', { domain: 'docker.io', path: 'istio/proxyv2', tag: '1.21.0' }],
    ['fluent/fluent-bit:3.0.4', { path: 'fluent/fluent-bit', tag: '3.0.4' }],
    ['busybox:1.36', { path: 'busybox', tag: '1.36' }],
    ['localhost:5000/team/app:v2', { domain: 'localhost:5000', path: 'team/app', tag: 'v2' }],
    ['localhost/app:v2', { domain: 'localhost', path: 'app', tag: 'v2' }],
    [
      'registry.example.com:443/a_b/c__d/e-f--g.h:1_0-rc.1',
      { domain: 'registry.example.com:443', path: 'a_b/c__d/e-f--g.h', tag: '1_0-rc.1' },
    ],
    ['[::1]:5000/app:1', { domain: '[::1]:5000', path: 'app', tag: '1' }],
    [`ghcr.io/dapr/daprd@${SHA}`, { domain: 'ghcr.io', path: 'dapr/daprd', digest: SHA }],
    ['MyRegistry.Example.com/app:1', { domain: 'MyRegistry.Example.com', path: 'app', tag: '1' }],
  ])('%s', (image, want) => {
    const got = checkImageReference(image);
    expect(got.ok).toBe(true);
    if (!got.ok) return;
    expect({
      domain: got.reference.domain,
      path: got.reference.path,
      tag: got.reference.tag,
      digest: got.reference.digest,
    }).toEqual({ domain: undefined, tag: undefined, digest: undefined, ...want });
    expect(got.warnings).toEqual([]);
  });

  it('returns the repository with its registry', () => {
    expect(imageRepository('docker.io/istio/proxyv2:1.21.0')).toBe('docker.io/istio/proxyv2');
    expect(imageRepository(`ghcr.io/dapr/daprd@${SHA}`)).toBe('ghcr.io/dapr/daprd');
  });
});

describe('checkImageReference: warnings', () => {
  it('warns about a missing tag', () => {
    const got = checkImageReference('istio/proxyv2');
    expect(got.ok && got.warnings.map((w) => w.code)).toEqual(['NoTag']);
  });
  it('warns about latest', () => {
    const got = checkImageReference('istio/proxyv2:latest');
    expect(got.ok && got.warnings.map((w) => w.code)).toEqual(['LatestTag']);
  });
  it('does not warn about latest when a digest pins it, but says the digest wins', () => {
    const got = checkImageReference(`istio/proxyv2:latest@${SHA}`);
    expect(got.ok && got.warnings.map((w) => w.code)).toEqual(['TagAndDigest']);
  });
  it('does not warn about a digest alone', () => {
    const got = checkImageReference(`istio/proxyv2@${SHA}`);
    expect(got.ok && got.warnings).toEqual([]);
  });
});

describe('checkImageReference: refused', () => {
  it.each([
    ['', 'An image is required.'],
    [' istio/proxyv2:1.0', 'invalid reference format: the image must not start or end with whitespace.'],
    ['istio/proxy v2:1.0', 'invalid reference format: the image must not contain spaces.'],
    ['Istio/proxyv2:1.0', 'invalid reference format: repository name must be lowercase ("Istio").'],
    ['istio//proxyv2:1.0', 'invalid reference format: the repository path has an empty component (check the slashes).'],
    ['istio/proxyv2:', expect.stringContaining('tag "" must be 1-128')],
    ['istio/proxyv2:-rc', expect.stringContaining('tag "-rc" must be 1-128')],
    [`istio/proxyv2:${'a'.repeat(129)}`, expect.stringContaining('must be 1-128')],
    ['istio/proxy_-v2:1', expect.stringContaining('"proxy_-v2" is not a valid repository path component')],
    ['istio/proxyv2@sha256:abc', expect.stringContaining('is not a digest')],
    [`istio/proxyv2@sha256:${'a'.repeat(63)}`, 'invalid checksum digest length: sha256 needs 64 hex digits, got 63.'],
    [`istio/proxyv2@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm "md5" (use sha256, sha384 or sha512).'],
    ['bad_host.example.com/app:1', 'invalid reference format: "bad_host.example.com" is not a valid registry host[:port].'],
    ['registry.example.com:port/app:1', 'invalid reference format: "registry.example.com:port" is not a valid registry host[:port].'],
    [':1.0', 'invalid reference format: the repository name is missing.'],
    [`${'a'.repeat(256)}:1`, 'repository name must not be more than 255 characters.'],
  ])('%j', (image, error) => {
    expect(checkImageReference(image)).toEqual({ ok: false, error });
  });
});

describe('normalizeImageReference (as containerd names what it pulls)', () => {
  it('fills in docker.io, library/ and latest', () => {
    expect(normalizeImageReference('nginx')).toEqual({ domain: 'docker.io', repository: 'docker.io/library/nginx', tag: 'latest' });
    expect(normalizeImageReference('istio/proxyv2:1.23.2')).toEqual({
      domain: 'docker.io',
      repository: 'docker.io/istio/proxyv2',
      tag: '1.23.2',
    });
    expect(normalizeImageReference('index.docker.io/library/busybox:1.36')?.repository).toBe('docker.io/library/busybox');
    expect(normalizeImageReference(`localhost:5000/app@sha256:${'a'.repeat(64)}`)).toEqual({
      domain: 'localhost:5000',
      repository: 'localhost:5000/app',
      digest: `sha256:${'a'.repeat(64)}`,
    });
    expect(normalizeImageReference('Istio/proxyv2:1.0')).toBeUndefined();
  });

  it('normalizedRepository compares a spec image with a runtime imageID', () => {
    expect(normalizedRepository('nginx')).toBe(normalizedRepository('docker.io/library/nginx'));
    expect(normalizedRepository('quay.io/prometheus/node-exporter')).toBe('quay.io/prometheus/node-exporter');
  });
});
