import 'server-only';
import { hostname } from 'node:os';
import type { SidecarSet } from '@/lib/fleet/k8s-types';
import { ACTION_EVENT_REASON, type PlannedChange, type RolloutAction } from '@/lib/fleet/rollout-actions';
import { reviewAccess } from './access-review';
import type { FleetCache } from './cache';
import { logger } from '@/lib/log';
import { fail, ok, type Result } from './errors';
import { requestJson } from './http';
import { type FleetSession, fleetReader } from './fleet';
import { trackWrite } from './lifecycle';
import { kruiseVersion, SIDECARSET_GROUP, SIDECARSET_PLURAL } from './sidecarset-api';
import { emit } from './telemetry';
import { trimSidecarSet } from './trim';
import { describeWriteError } from './write-errors';

/**
 * The rollout writes, for a given session (client + identity): access review first, then ONE
 * patch with its content type named, then the audit Event. Errors come back as values whose
 * message a person can act on; nothing here throws to the caller, and no ApiException leaves.
 */

const actionLog = logger('rollout');
const EVENT_NAMESPACE = 'default';
const COMPONENT = 'sidecar-fleet';

export interface RolloutEventInput {
  sidecarSet: { name: string; uid?: string; resourceVersion?: string };
  apiVersion: string;
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
}

/**
 * The audit trail: a core/v1 Event about the SidecarSet. SidecarSets are cluster-scoped, so the
 * Event lives in `default` with an involvedObject that has no namespace (what kubectl describe
 * and the detail page's timeline look for).
 */
export async function writeRolloutEvent(session: FleetSession, input: RolloutEventInput): Promise<Result<string>> {
  const now = new Date().toISOString();
  const r = await requestJson<{ metadata?: { name?: string } }>(session.client, {
    method: 'POST',
    path: `/api/v1/namespaces/${EVENT_NAMESPACE}/events`,
    body: {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${input.sidecarSet.name}.`, namespace: EVENT_NAMESPACE },
      involvedObject: {
        apiVersion: input.apiVersion,
        kind: 'SidecarSet',
        name: input.sidecarSet.name,
        ...(input.sidecarSet.uid ? { uid: input.sidecarSet.uid } : {}),
        ...(input.sidecarSet.resourceVersion ? { resourceVersion: input.sidecarSet.resourceVersion } : {}),
      },
      reason: input.reason,
      message: input.message.slice(0, 1024),
      type: input.type,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      source: { component: COMPONENT, host: hostname() },
      reportingComponent: COMPONENT,
      reportingInstance: hostname(),
    },
  });
  return r.ok ? ok(r.value.metadata?.name ?? '') : fail(r.error);
}

const ACTION_VERB: Record<RolloutAction, string> = {
  canary: 'started a canary',
  promote: 'promoted the rollout',
  pause: 'paused the rollout',
  resume: 'resumed the rollout',
  rollback: 'rolled back',
};

export interface ApplyOutcome {
  sidecarSet: SidecarSet;
  action: RolloutAction;
  summary: string;
  /** Set when the change landed but its audit Event could not be written. */
  eventError?: string;
  /** Namespace/workload canaries: pods labelled, and failures. */
  labelled?: { done: number; failed: Array<{ pod: string; message: string }> };
}

export interface ApplyOptions {
  /** Ask the API server to validate without persisting (no pod labels, no Event). */
  dryRun?: boolean;
  /** The cluster's shared cache (its discovery names the served SidecarSet version); default: the auditSession's. */
  cache?: FleetCache;
  /**
   * Who writes the audit Event: the dashboard's own identity when a person acts through it (a
   * person need not be allowed to create Events for their action to be recorded; the message
   * names them). Default: the acting session.
   */
  auditSession?: FleetSession;
}

/**
 * Applies a planned change to a SidecarSet as `session`. Order: access reviews (patch the
 * SidecarSet; patch pods in each namespace a namespace/workload canary labels) → the one PATCH
 * (image, partition, selector and paused together) → pod labels → the audit Event.
 */
export function applyRolloutChange(
  session: FleetSession,
  name: string,
  change: PlannedChange,
  opts: ApplyOptions = {},
): Promise<Result<ApplyOutcome>> {
  // Counted while in flight (a graceful shutdown lets it finish), reported and logged once done.
  return trackWrite(async () => {
    const r = await applyOnce(session, name, change, opts);
    const result = !r.ok ? r.error.kind.toLowerCase() : opts.dryRun ? 'dry-run' : 'ok';
    emit({ type: 'action', action: change.action, result });
    if (!opts.dryRun || !r.ok) {
      const fields = { action: change.action, sidecarSet: name, actingAs: session.identity.user, result };
      if (r.ok) actionLog.info({ ...fields, ...(r.value.eventError ? { eventError: r.value.eventError } : {}) }, change.summary);
      else actionLog.warn({ ...fields, code: r.error.code }, r.error.message);
    }
    return r;
  });
}

async function applyOnce(session: FleetSession, name: string, change: PlannedChange, opts: ApplyOptions): Promise<Result<ApplyOutcome>> {
  const ssWhat = `patch sidecarsets.${SIDECARSET_GROUP} "${name}"`;
  const access = await reviewAccess(session, { verb: 'patch', group: SIDECARSET_GROUP, resource: SIDECARSET_PLURAL, name }, true);
  if (!access.ok) return fail(access.error);
  if (!access.value.allowed) {
    return fail({ kind: 'Forbidden', code: 403, message: `Forbidden: ${access.value.reason}.` });
  }
  const labelNamespaces = [...new Set((change.podLabels?.pods ?? []).map((p) => p.namespace))].sort();
  for (const ns of labelNamespaces) {
    const a = await reviewAccess(session, { verb: 'patch', group: '', resource: 'pods', namespace: ns }, true);
    if (!a.ok) return fail(a.error);
    if (!a.value.allowed) {
      return fail({
        kind: 'Forbidden',
        code: 403,
        message: `Forbidden: ${a.value.reason}; a canary by namespace or workload labels its pods. Use an existing label instead.`,
      });
    }
  }

  // The server's shared cache of this cluster (never one per person): the audit session is the server's.
  const version = await kruiseVersion(session, opts.cache ?? (opts.auditSession ? fleetReader(opts.auditSession).cache : undefined));
  if (!version.ok) return fail(version.error);
  const patchResult = await requestJson<unknown>(session.client, {
    method: 'PATCH',
    path: `/apis/${SIDECARSET_GROUP}/${version.value}/${SIDECARSET_PLURAL}/${encodeURIComponent(name)}`,
    query: opts.dryRun ? { dryRun: 'All' } : undefined,
    body: change.patch,
    contentType: change.patchType === 'json' ? 'application/json-patch+json' : 'application/merge-patch+json',
  });
  if (!patchResult.ok) return fail(describeWriteError(patchResult.error, { identity: session.identity, what: ssWhat, sidecarSet: name }));
  const patched: SidecarSet = trimSidecarSet(patchResult.value);
  const outcome: ApplyOutcome = { sidecarSet: patched, action: change.action, summary: change.summary };
  if (opts.dryRun) return ok(outcome);

  if (change.podLabels) {
    const { key, value, pods } = change.podLabels;
    const failed: Array<{ pod: string; message: string }> = [];
    let done = 0;
    // A few at a time: a namespace can hold hundreds of pods, and the API server is shared.
    for (let i = 0; i < pods.length; i += 8) {
      await Promise.all(
        pods.slice(i, i + 8).map(async (p) => {
          const r = await requestJson<unknown>(session.client, {
            method: 'PATCH',
            path: `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}`,
            body: { metadata: { labels: { [key]: value } } },
            contentType: 'application/merge-patch+json',
          });
          if (r.ok) done++;
          else failed.push({ pod: `${p.namespace}/${p.name}`, message: r.error.message });
        }),
      );
    }
    outcome.labelled = { done, failed };
  }

  const event = await writeRolloutEvent(opts.auditSession ?? session, {
    sidecarSet: patched.metadata,
    apiVersion: `${SIDECARSET_GROUP}/${version.value}`,
    reason: ACTION_EVENT_REASON[change.action],
    type: change.action === 'pause' || change.action === 'rollback' ? 'Warning' : 'Normal',
    message: `${session.identity.user} ${ACTION_VERB[change.action]} via Sidecar Fleet: ${change.summary}`,
  });
  if (!event.ok) outcome.eventError = `The audit Event could not be written: ${event.error.message}`;
  return ok(outcome);
}
