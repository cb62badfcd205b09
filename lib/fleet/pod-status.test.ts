import { describe, expect, it } from 'vitest';
import statusPods from './fixtures/status-pods.json';
import type { Pod } from './k8s-types';
import { healthOf, podStatus } from './pod-status';

const pods = statusPods.items as unknown as Pod[];
const byName = (name: string): Pod => {
  const p = pods.find((x) => x.metadata.name === name);
  if (!p) throw new Error(`fixture ${name} missing`);
  return p;
};

describe('podStatus follows kubectl printPod', () => {
  it('gives STATUS, READY, RESTARTS and health for every fixture pod', () => {
    const got = pods.map((p) => ({ name: p.metadata.name, ...podStatus(p) }));
    expect(got).toEqual([
      {
        name: 'checkout-6c9f7b8d4-running',
        status: 'Running',
        ready: '2/2',
        readyContainers: 2,
        totalContainers: 2,
        restarts: 0,
        health: 'healthy',
      },
      {
        name: 'checkout-6c9f7b8d4-pullbackoff',
        status: 'ImagePullBackOff',
        ready: '1/2',
        readyContainers: 1,
        totalContainers: 2,
        restarts: 0,
        health: 'failing',
      },
      {
        name: 'checkout-6c9f7b8d4-crashloop',
        status: 'CrashLoopBackOff',
        ready: '1/2',
        readyContainers: 1,
        totalContainers: 2,
        restarts: 6,
        health: 'failing',
      },
      {
        name: 'report-29412345-x8k2j',
        status: 'Completed',
        ready: '0/1',
        readyContainers: 0,
        totalContainers: 1,
        restarts: 0,
        health: 'completed',
      },
      {
        name: 'checkout-6c9f7b8d4-terminating',
        status: 'Terminating',
        ready: '2/2',
        readyContainers: 2,
        totalContainers: 2,
        restarts: 0,
        health: 'progressing',
      },
      { name: 'orders-0', status: 'Init:1/2', ready: '0/1', readyContainers: 0, totalContainers: 1, restarts: 0, health: 'progressing' },
      {
        name: 'orders-1',
        status: 'Init:CrashLoopBackOff',
        ready: '0/1',
        readyContainers: 0,
        totalContainers: 1,
        restarts: 3,
        health: 'failing',
      },
      {
        name: 'ledger-5f8d9c7b6-native',
        status: 'Running',
        ready: '2/2',
        readyContainers: 2,
        totalContainers: 2,
        restarts: 3,
        health: 'healthy',
      },
      {
        name: 'checkout-6c9f7b8d4-notready',
        status: 'NotReady',
        ready: '1/2',
        readyContainers: 1,
        totalContainers: 2,
        restarts: 0,
        health: 'progressing',
      },
      {
        name: 'checkout-6c9f7b8d4-halfready',
        status: 'Running',
        ready: '1/2',
        readyContainers: 1,
        totalContainers: 2,
        restarts: 0,
        health: 'progressing',
      },
      {
        name: 'checkout-6c9f7b8d4-creating',
        status: 'ContainerCreating',
        ready: '0/2',
        readyContainers: 0,
        totalContainers: 2,
        restarts: 0,
        health: 'progressing',
      },
      {
        name: 'checkout-6c9f7b8d4-evicted',
        status: 'Evicted',
        ready: '0/2',
        readyContainers: 0,
        totalContainers: 2,
        restarts: 0,
        health: 'failing',
      },
      { name: 'orders-2', status: 'Init:ExitCode:2', ready: '0/1', readyContainers: 0, totalContainers: 1, restarts: 0, health: 'failing' },
      {
        name: 'checkout-6c9f7b8d4-unscheduled',
        status: 'Pending',
        ready: '0/2',
        readyContainers: 0,
        totalContainers: 2,
        restarts: 0,
        health: 'progressing',
      },
      {
        name: 'checkout-6c9f7b8d4-oomkilled',
        status: 'OOMKilled',
        ready: '1/2',
        readyContainers: 1,
        totalContainers: 2,
        restarts: 2,
        health: 'failing',
      },
    ]);
  });

  it('says Unknown for a deleted pod on a lost node, not Terminating', () => {
    const base = byName('checkout-6c9f7b8d4-running');
    const lost: Pod = {
      ...base,
      metadata: { ...base.metadata, deletionTimestamp: '2026-11-20T09:00:00Z' },
      status: { ...base.status, reason: 'NodeLost' },
    };
    expect(podStatus(lost)).toEqual({
      status: 'Unknown',
      ready: '2/2',
      readyContainers: 2,
      totalContainers: 2,
      restarts: 0,
      health: 'unknown',
    });
  });

  it('never calls a finished pod Terminating while it is being deleted', () => {
    const base = byName('report-29412345-x8k2j');
    const deleting: Pod = { ...base, metadata: { ...base.metadata, deletionTimestamp: '2026-11-20T09:00:00Z' } };
    expect(podStatus(deleting).status).toBe('Completed');
  });

  it('shows SchedulingGated for a gated pod', () => {
    const base = byName('checkout-6c9f7b8d4-unscheduled');
    const gated: Pod = {
      ...base,
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
    };
    expect(podStatus(gated)).toEqual({
      status: 'SchedulingGated',
      ready: '0/2',
      readyContainers: 0,
      totalContainers: 2,
      restarts: 0,
      health: 'progressing',
    });
  });

  it('classes a Signal exit and an unknown terminal reason as failing', () => {
    expect(healthOf('Signal:9', 'Running', 0, 1)).toBe('failing');
    expect(healthOf('Shutdown', 'Failed', 0, 1)).toBe('failing');
    expect(healthOf('Init:0/3', 'Pending', 0, 1)).toBe('progressing');
  });
});
