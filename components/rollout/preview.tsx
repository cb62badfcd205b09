'use client';

import { Badge } from '@/components/ui/badge';
import { plural } from '@/components/ui/format';
import type { ActionState, PreviewPod, RolloutPreview } from './types';

/** The spec change as a diff: one row per field, old value struck out, new value beside it. */
export function SpecDiff({ diff }: { diff: RolloutPreview['diff'] }) {
  if (diff.length === 0) return <p className="text-sm text-zinc-600 dark:text-zinc-400">No change to the spec.</p>;
  return (
    <table className="w-full text-left text-xs">
      <caption className="sr-only">Spec change</caption>
      <thead className="text-zinc-600 dark:text-zinc-400">
        <tr>
          <th scope="col" className="py-1 pr-2 font-medium">
            Field
          </th>
          <th scope="col" className="py-1 pr-2 font-medium">
            Now
          </th>
          <th scope="col" className="py-1 font-medium">
            After
          </th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {diff.map((d) => (
          <tr key={d.field} className="border-t border-zinc-200 align-top dark:border-zinc-800">
            <th scope="row" className="py-1 pr-2 font-normal break-all">
              spec.{d.field}
            </th>
            <td className="py-1 pr-2 break-all text-red-800 dark:text-red-300">
              <span aria-hidden="true">− </span>
              {d.before ?? <span className="italic">unset</span>}
            </td>
            <td className="py-1 break-all text-emerald-800 dark:text-emerald-300">
              <span aria-hidden="true">+ </span>
              {d.after ?? <span className="italic">unset</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** When a listed pod is updated; "if picked" where Kruise chooses among equally ranked pods. */
function WhenBadge({ pod }: { pod: PreviewPod }) {
  if (pod.ifPicked === 'covered') return <Badge variant="outline">if Kruise picks it</Badge>;
  if (pod.ifPicked === 'next-round') return <Badge variant="outline">next round or later</Badge>;
  return pod.nextRound ? <Badge variant="info">next round</Badge> : <Badge variant="outline">later round</Badge>;
}

/** What the planner says the change will do: the pods, round by round, and the totals. */
export function PreviewPanel({ preview, noun }: { preview: RolloutPreview; noun: string }) {
  const later = preview.pods.filter((p) => !p.nextRound).length;
  const listed = preview.pods.length;
  const covered = preview.coverTotal - preview.updatedAfter;
  return (
    <section aria-label="Preview" className="space-y-3 rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
      <h3 className="text-sm font-semibold">Preview</h3>
      <SpecDiff diff={preview.diff} />
      <p className="text-sm" data-testid="preview-totals">
        {preview.paused ? (
          <>The rollout stays paused: no pod is updated until it is resumed. </>
        ) : (
          <>
            The next round updates <strong>{plural(preview.nextRoundTotal, 'pod')}</strong>.{' '}
          </>
        )}
        {noun} covers <strong data-testid="preview-cover">{plural(covered, 'pod')}</strong> in total
        {preview.updatedAfter > 0 && <> (plus {plural(preview.updatedAfter, 'pod')} already on that version)</>}: {preview.coverTotal} of{' '}
        {preview.matched} matched pods will run it.
        {(preview.notCovered.partition > 0 || preview.notCovered.selector > 0 || preview.notCovered.notUpgradable > 0) && (
          <span className="block text-xs text-zinc-600 dark:text-zinc-400">
            Left on the old version:{' '}
            {[
              preview.notCovered.partition > 0 && `${preview.notCovered.partition} held by the partition`,
              preview.notCovered.selector > 0 && `${preview.notCovered.selector} outside the selector`,
              preview.notCovered.notUpgradable > 0 && `${preview.notCovered.notUpgradable} not upgradable in place (need recreating)`,
            ]
              .filter(Boolean)
              .join(', ')}
            .
          </span>
        )}
        {(preview.nextRoundTie || preview.coverTie) && (
          <span className="block text-xs text-zinc-600 dark:text-zinc-400" data-testid="preview-ties">
            Kruise ranks some of these pods equally and chooses among them:{' '}
            {[
              preview.coverTie && `this change updates ${preview.coverTie.pick} of ${preview.coverTie.of} such pods`,
              preview.nextRoundTie && `the next round takes ${preview.nextRoundTie.pick} of ${preview.nextRoundTie.of}`,
            ]
              .filter(Boolean)
              .join('; ')}
            .
          </span>
        )}
      </p>
      {listed > 0 && (
        <div className="max-h-64 overflow-y-auto rounded border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">
              Pods this change updates, in order ({preview.nextRoundTotal} in the next round, {later} later)
            </caption>
            <thead className="sticky top-0 bg-zinc-50 text-zinc-600 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-2 py-1 font-medium">
                  Pod
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  Workload
                </th>
                <th scope="col" className="px-2 py-1 font-medium">
                  When
                </th>
              </tr>
            </thead>
            <tbody>
              {preview.pods.map((p) => (
                <tr key={`${p.namespace}/${p.name}`} className="border-t border-zinc-200 dark:border-zinc-800" data-testid="preview-pod">
                  <td className="px-2 py-1 font-mono">
                    {p.namespace}/{p.name}
                  </td>
                  <td className="px-2 py-1">{p.workload}</td>
                  <td className="px-2 py-1">
                    <WhenBadge pod={p} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {covered > listed + (preview.hiddenPods ?? 0) && (
            <p className="px-2 py-1 text-xs text-zinc-600 dark:text-zinc-400">…and {covered - listed - (preview.hiddenPods ?? 0)} more.</p>
          )}
        </div>
      )}
      {(preview.hiddenPods ?? 0) > 0 && (
        <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="preview-hidden">
          …and {plural(preview.hiddenPods ?? 0, 'pod')} in namespaces you may not list.
        </p>
      )}
    </section>
  );
}

/** The aria-live message of a dialog or button, with warnings under it. */
export function ActionMessage({ state, id }: { state: ActionState; id?: string }) {
  return (
    <div id={id} aria-live="polite" aria-atomic="true" className="min-h-5 text-sm">
      {state.message && (
        <p className={state.ok ? 'text-emerald-800 dark:text-emerald-300' : 'text-red-800 dark:text-red-300'}>
          {state.cluster && <span className="mr-1 font-semibold">In {state.cluster.name}:</span>}
          <span>{state.message}</span>
        </p>
      )}
      {state.warnings && state.warnings.length > 0 && (
        <ul className="mt-1 list-disc space-y-0.5 pl-5 text-xs text-amber-900 dark:text-amber-200">
          {state.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
