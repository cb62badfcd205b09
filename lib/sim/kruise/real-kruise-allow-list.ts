/**
 * Where the built-in cluster may differ from real Kruise in the scenario comparison
 * (scenario-support.ts), each with its reason. Only values that differ between any two runs of
 * the same scenario belong here: times, generated names and what is derived from them.
 * Behaviour does not: a difference in behaviour is fixed in the built-in cluster.
 */
import type { AllowedDifference } from '@/lib/test-support/comparison';

export const REAL_KRUISE_ALLOW_LIST: AllowedDifference[] = [
  { path: ['**', 'updateTimestamp'], reason: 'the time Kruise wrote a hash annotation' },
  { path: ['**', 'lastTransitionTime'], reason: 'condition times' },
  { path: ['**', 'creationTimestamp'], reason: 'object creation times' },
  { path: ['**', 'pods', '*', 'name'], reason: 'pod names end in a random suffix (ReplicaSet controller)' },
  {
    path: ['**', 'annotations', 'version.sidecarset.kruise.io/*'],
    reason:
      'a hot-upgrade twin upgraded in place gets the SidecarSet resourceVersion of that moment (pkg/controller/sidecarset/sidecarset_processor.go), which each cluster numbers its own way; the 0/1 values and the pairing with versionalt are asserted in scenarios-hot',
  },
  {
    path: ['**', 'annotations', 'versionalt.sidecarset.kruise.io/*'],
    reason: 'the same resourceVersion, recorded for the other twin',
  },
];
