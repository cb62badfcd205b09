import { describe, expect, it } from 'vitest';
import { HASH_NEW, HASH_WI, HASH_WI_OTHER, ID_OLD, IMG_NEW, logPod, logSidecarSet, NAMESPACES } from './kruise-fixtures.test-support';
import {
  idleHotUpgradeContainer,
  injectedList,
  isConsistent,
  isCountedReady,
  isInFlight,
  isMatched,
  isReadyForSidecarSet,
  isUpdated,
  isUpgradable,
  maxUnavailableReplicas,
  parseInplaceUpdateState,
  parseSidecarSetHashAnnotation,
  partitionReplicas,
  podControllerRevision,
  sidecarContainerNames,
  workingHotUpgradeContainer,
} from './kruise-pod';
import { isPodActive } from './pod-readiness';

describe('annotation parsing', () => {
  it('reads the JSON form and the legacy form, entry by entry', () => {
    const v = JSON.stringify({
      'log-ss': {
        updateTimestamp: '2025-11-20T08:00:00Z',
        hash: '4wx',
        sidecarSetName: 'log-ss',
        sidecarList: ['log-agent'],
        controllerRevision: 'log-ss-6f9c7d5b8',
      },
      'mesh-ss': 't2z',
    });
    expect(parseSidecarSetHashAnnotation(v)).toEqual({
      'log-ss': {
        updateTimestamp: '2025-11-20T08:00:00Z',
        hash: '4wx',
        sidecarSetName: 'log-ss',
        sidecarList: ['log-agent'],
        controllerRevision: 'log-ss-6f9c7d5b8',
      },
      'mesh-ss': { hash: 't2z', sidecarSetName: 'mesh-ss' },
    });
    expect(parseSidecarSetHashAnnotation('not json')).toEqual({});
    expect(parseSidecarSetHashAnnotation(undefined)).toEqual({});
  });

  it('reads the injected list, in-place state and working twins', () => {
    const pod = logPod('p', { state: 'updating' });
    pod.metadata.annotations!['kruise.io/sidecarset-injected-list'] = 'log-ss, mesh-ss,';
    pod.metadata.annotations!['kruise.io/sidecarset-working-hotupgrade-container'] = '{"envoy":"envoy-2"}';
    expect(injectedList(pod)).toEqual(['log-ss', 'mesh-ss']);
    expect(parseInplaceUpdateState(pod)).toEqual({
      'log-ss': {
        revision: HASH_NEW,
        updateTimestamp: '2025-11-21T09:00:00Z',
        lastContainerStatuses: { 'log-agent': { imageID: ID_OLD } },
      },
    });
    expect(workingHotUpgradeContainer(pod, 'envoy')).toBe('envoy-2');
    expect(idleHotUpgradeContainer(pod, 'envoy')).toBe('envoy-1');
    expect(workingHotUpgradeContainer(pod, 'other')).toBe('other-1');
    expect(podControllerRevision(pod, 'log-ss')).toBe('log-ss-6f9c7d5b8');
  });
});

describe('per-pod predicates', () => {
  const ss = logSidecarSet();

  it('updated / upgradable compare hashes', () => {
    expect(isUpdated(logPod('a'), ss)).toBe(false);
    expect(isUpdated(logPod('a', { state: 'updated' }), ss)).toBe(true);
    expect(isUpgradable(logPod('a'), ss)).toBe(true);
    expect(isUpgradable(logPod('a', { withoutImageHash: HASH_WI_OTHER }), ss)).toBe(false);
    const none = logPod('none');
    delete none.metadata.annotations!['kruise.io/sidecarset-hash-without-image'];
    expect(isUpgradable(none, ss)).toBe(false);
    expect(HASH_WI).toBe(ss.metadata.annotations!['kruise.io/sidecarset-hash-without-image']);
  });

  it('consistent: imageID not yet moved while spec and status images differ', () => {
    expect(isConsistent(logPod('a'), ss)).toBe(true); // no in-place state
    expect(isConsistent(logPod('a', { state: 'updated' }), ss)).toBe(true);
    const mid = logPod('a', { state: 'updating' });
    expect(isConsistent(mid, ss)).toBe(false);
    expect(isInFlight(mid, ss)).toBe(true);
    expect(isCountedReady(mid, ss)).toBe(false);
    expect(isReadyForSidecarSet(mid, ss)).toBe(true);
    // A container status missing: the counts differ.
    const missing = logPod('b');
    missing.status!.containerStatuses = missing.status!.containerStatuses!.slice(1);
    expect(isConsistent(missing, ss)).toBe(false);
  });

  it('consistent with digest images compares repo and digest of the runtime imageID', () => {
    const digest = 'sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7';
    const pinned = logSidecarSet({ containers: [{ name: 'log-agent', image: `busybox@${digest}` }] });
    const pod = logPod('a', { state: 'updated' });
    pod.spec.containers[0]!.image = `busybox@${digest}`;
    pod.status!.containerStatuses![0]!.imageID = `docker-pullable://docker.io/library/busybox@${digest}`;
    expect(isConsistent(pod, pinned)).toBe(true);
    pod.status!.containerStatuses![0]!.imageID = ID_OLD;
    expect(isConsistent(pod, pinned)).toBe(false);
  });

  it('active and matched', () => {
    expect(isPodActive(logPod('a', { phase: 'Failed' }))).toBe(false);
    expect(isPodActive(logPod('a', { deleting: true }))).toBe(false);
    expect(isMatched(logPod('a'), ss, NAMESPACES)).toBe(true);
    const noNs = logPod('a', { namespace: '' });
    const onlyDefault = logSidecarSet({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } });
    expect(isMatched(noNs, onlyDefault, NAMESPACES)).toBe(true);
    expect(isMatched(logPod('a'), onlyDefault, NAMESPACES)).toBe(false);
  });

  it('sidecar container names: hot sidecars have twins', () => {
    const hot = logSidecarSet({
      containers: [
        { name: 'log-agent', image: IMG_NEW },
        { name: 'envoy', image: 'envoy:1', upgradeStrategy: { upgradeType: 'HotUpgrade', hotUpgradeEmptyImage: 'empty:1' } },
      ],
    });
    expect(sidecarContainerNames(hot)).toEqual(['log-agent', 'envoy-1', 'envoy-2']);
  });
});

describe('int-or-percent', () => {
  it('partition: rounds up, keeps one pod to update unless "100%", clamps', () => {
    expect(partitionReplicas(undefined, 10)).toBe(0);
    expect(partitionReplicas('18%', 1000)).toBe(180);
    expect(partitionReplicas('99%', 5)).toBe(4);
    expect(partitionReplicas('100%', 5)).toBe(5);
    // Over 100%: 10 ≠ matched, so no "keep one" adjustment, then clamped: every pod stays old.
    expect(partitionReplicas('200%', 5)).toBe(5);
    expect(partitionReplicas('50%', 1)).toBe(1);
    expect(partitionReplicas(20, 5)).toBe(5);
    expect(partitionReplicas(-3, 5)).toBe(0);
    // "5" is no percentage: an error Kruise's controller drops, so the partition keeps nothing.
    expect(partitionReplicas('5', 10)).toBe(0);
  });

  it('maxUnavailable: unset is 1, percent rounds up', () => {
    expect(maxUnavailableReplicas(undefined, 100)).toBe(1);
    expect(maxUnavailableReplicas('5%', 5)).toBe(1);
    expect(maxUnavailableReplicas(0, 5)).toBe(0);
  });
});
