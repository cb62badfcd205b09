// Scaffold: the Kruise engineer replaces these bodies with the demo fleet's SidecarSets and the
// rollout states the demo must show (issue 3, item 6). Signatures are the contract with demo.ts.
import type { KObject, Store } from '../types';

/** SidecarSets to create before any demo workload, so their pods get injected at creation. */
export function demoSidecarSets(): KObject[] {
  return [];
}

/** Drives the created SidecarSets into their demo states once the demo pods are running. */
export async function applyDemoRolloutStates(_store: Store): Promise<void> {}
