'use client';

import { useId, useMemo, useState } from 'react';
import { startCanary } from '@/app/sidecarsets/actions';
import { Button } from '@/components/ui/button';
import { checkImageReference } from '@/lib/fleet/image-reference';
import { describedBy, Field, inputClass, narrowInputClass } from '@/components/ui/form-field';
import { ActionMessage, PreviewPanel } from './preview';
import type { ActionState, RolloutDialogContext } from './types';
import { usePreviewApply } from './use-rollout';
import { ClusterField } from './cluster-field';
import { ConfirmNameField } from './confirm-name-field';
import { useCluster } from '@/components/shell/cluster-scope';

type ScopeKind = 'percent' | 'count' | 'namespace' | 'workload' | 'label';

const SCOPES: Array<{ value: ScopeKind; label: string; help: string }> = [
  { value: 'percent', label: 'Percent of matched pods', help: 'The partition keeps the rest on the old version.' },
  { value: 'count', label: 'Number of pods', help: 'The partition keeps the rest on the old version.' },
  { value: 'namespace', label: 'A namespace', help: 'Its pods get a canary label, and updateStrategy.selector names it.' },
  { value: 'workload', label: 'A workload', help: 'Its pods get a canary label, and updateStrategy.selector names it.' },
  { value: 'label', label: 'Pods with a label', help: 'updateStrategy.selector on an existing pod label.' },
];

/** Canary upgrade: container, image, scope, maxUnavailable → preview → start. */
export function CanaryForm({ ctx, onApplied }: { ctx: RolloutDialogContext; onApplied: (s: ActionState) => void }) {
  const id = useId();
  const cluster = useCluster();
  const first = ctx.containers[0];
  const [container, setContainer] = useState(first?.name ?? '');
  const current = ctx.containers.find((c) => c.name === container);
  const [image, setImage] = useState(first?.image ?? '');
  const [scope, setScope] = useState<ScopeKind>('percent');
  const [amount, setAmount] = useState('10');
  const [namespace, setNamespace] = useState(ctx.namespaces[0]?.value ?? '');
  const [workload, setWorkload] = useState(ctx.workloads[0]?.value ?? '');
  const [label, setLabel] = useState(ctx.labels[0]?.value ?? '');
  const [maxUnavailable, setMaxUnavailable] = useState('');
  const [confirmName, setConfirmName] = useState('');
  // Every matched pod is a rollout to the whole fleet: like Promote, it asks for the name first.
  const n = Number(amount);
  const wholeFleet = (scope === 'percent' && n >= 100) || (scope === 'count' && ctx.matched > 0 && n >= ctx.matched);

  const values = {
    container,
    image,
    scope,
    amount,
    namespace,
    workload,
    label,
    maxUnavailable,
    confirmName: wholeFleet ? confirmName : '',
  };
  const { state, pending, onSubmit, canConfirm, previewStale } = usePreviewApply(startCanary, values, onApplied);
  const nameOk = !wholeFleet || confirmName === ctx.seen.name;
  const errors = state.fieldErrors ?? {};

  // Checked as you type; the server checks again.
  const imageCheck = useMemo(() => (image === '' ? undefined : checkImageReference(image)), [image]);
  const imageErrors = [...(imageCheck && !imageCheck.ok ? [imageCheck.error] : []), ...(errors.image ?? [])];
  const imageWarnings = imageCheck?.ok ? imageCheck.warnings.map((w) => w.message) : [];
  const sameImage = current !== undefined && image === current.image;

  const scopeErrors = [...(errors.scope ?? []), ...(errors.amount ?? []), ...(errors.count ?? []), ...(errors.percent ?? [])];
  const msgId = `${id}-msg`;

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-describedby={msgId} noValidate>
      <ClusterField />
      <input type="hidden" name="name" value={ctx.seen.name} />
      <input type="hidden" name="seen" value={JSON.stringify(ctx.seen)} />
      <input type="hidden" name="scope" value={scope} />

      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={`${id}-container`} label="Container" errors={errors.container}>
          <select
            id={`${id}-container`}
            name="container"
            className={inputClass}
            value={container}
            onChange={(e) => {
              setContainer(e.target.value);
              setImage(ctx.containers.find((c) => c.name === e.target.value)?.image ?? '');
            }}
          >
            {ctx.containers.map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.upgradeType === 'HotUpgrade' ? 'hot upgrade' : 'cold upgrade'})
              </option>
            ))}
          </select>
        </Field>
        <Field
          id={`${id}-image`}
          label="New image"
          help={current ? `Now: ${current.image}` : undefined}
          errors={imageErrors.length > 0 ? imageErrors : undefined}
        >
          <input
            id={`${id}-image`}
            name="image"
            className={`${inputClass} font-mono`}
            value={image}
            onChange={(e) => setImage(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={imageErrors.length > 0 || undefined}
            aria-describedby={describedBy(`${id}-image`, { help: !!current, errors: imageErrors })}
          />
        </Field>
      </div>
      {(imageWarnings.length > 0 || sameImage) && (
        <ul className="list-disc space-y-0.5 pl-5 text-xs text-amber-900 dark:text-amber-200" aria-live="polite">
          {sameImage && <li>This is the image the container runs now: enter the new one.</li>}
          {imageWarnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Canary scope</legend>
        <div className="grid gap-1 sm:grid-cols-2">
          {SCOPES.map((s) => (
            <label key={s.value} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name="scope-choice"
                value={s.value}
                checked={scope === s.value}
                onChange={() => setScope(s.value)}
                className="mt-1"
                disabled={(s.value === 'label' && ctx.labels.length === 0) || (s.value === 'workload' && ctx.workloads.length === 0)}
              />
              <span>
                {s.label}
                <span className="block text-xs text-zinc-600 dark:text-zinc-400">{s.help}</span>
              </span>
            </label>
          ))}
        </div>
        {(scope === 'percent' || scope === 'count') && (
          <Field
            id={`${id}-amount`}
            label={scope === 'percent' ? 'Percent of the matched pods' : 'Pods'}
            help={`${ctx.matched} pods are matched now.`}
            errors={scopeErrors.length > 0 ? scopeErrors : undefined}
          >
            <input
              id={`${id}-amount`}
              name="amount"
              type="number"
              inputMode="numeric"
              min={1}
              max={scope === 'percent' ? 100 : ctx.matched}
              className={narrowInputClass}
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              aria-invalid={scopeErrors.length > 0 || undefined}
              aria-describedby={describedBy(`${id}-amount`, { help: true, errors: scopeErrors })}
            />
          </Field>
        )}
        {scope === 'namespace' && (
          <Field id={`${id}-ns`} label="Namespace" errors={errors.namespace ?? errors.scope}>
            <select
              id={`${id}-ns`}
              name="namespace"
              className={inputClass}
              value={namespace}
              onChange={(e) => setNamespace(e.target.value)}
            >
              {ctx.namespaces.map((n) => (
                <option key={n.value} value={n.value}>
                  {n.label} ({n.pods} pods)
                </option>
              ))}
            </select>
          </Field>
        )}
        {scope === 'workload' && (
          <Field id={`${id}-wl`} label="Workload" errors={errors.workload ?? errors.scope}>
            <select id={`${id}-wl`} name="workload" className={inputClass} value={workload} onChange={(e) => setWorkload(e.target.value)}>
              {ctx.workloads.map((w) => (
                <option key={w.value} value={w.value}>
                  {w.label} ({w.pods} pods)
                </option>
              ))}
            </select>
          </Field>
        )}
        {scope === 'label' && (
          <Field id={`${id}-label`} label="Pod label" errors={errors.label ?? errors.scope ?? errors.updateStrategy}>
            <select
              id={`${id}-label`}
              name="label"
              className={`${inputClass} font-mono`}
              value={label}
              onChange={(e) => setLabel(e.target.value)}
            >
              {ctx.labels.map((l) => (
                <option key={l.value} value={l.value}>
                  {l.label} ({l.pods} pods)
                </option>
              ))}
            </select>
          </Field>
        )}
      </fieldset>

      <Field
        id={`${id}-mu`}
        label="maxUnavailable (optional)"
        help={`Updated pods allowed to be unavailable at once: a number or a percent. Now ${JSON.stringify(ctx.strategy.maxUnavailable)}; leave empty to keep it.`}
        errors={errors.updateStrategy && scope !== 'label' ? errors.updateStrategy : errors.maxUnavailable}
      >
        <input
          id={`${id}-mu`}
          name="maxUnavailable"
          className={`${narrowInputClass} font-mono`}
          value={maxUnavailable}
          onChange={(e) => setMaxUnavailable(e.target.value)}
          placeholder={String(ctx.strategy.maxUnavailable)}
          autoComplete="off"
          aria-describedby={describedBy(`${id}-mu`, { help: true })}
        />
      </Field>

      {wholeFleet && (
        <ConfirmNameField
          id={id}
          label={
            <>
              This covers every matched pod: type <code className="font-mono">{ctx.seen.name}</code> to roll out to the whole fleet
            </>
          }
          value={confirmName}
          onChange={setConfirmName}
          errors={errors.confirmName}
        />
      )}

      <ActionMessage state={state} id={msgId} />
      {state.preview && <PreviewPanel preview={state.preview} noun="This canary" />}
      {previewStale && (
        <p className="text-xs text-amber-900 dark:text-amber-200">You changed the form after the preview: preview again before starting.</p>
      )}

      <div className="flex flex-wrap justify-end gap-2">
        <Button type="submit" name="intent" value="preview" disabled={pending}>
          {pending ? 'Working…' : 'Preview'}
        </Button>
        <Button type="submit" name="intent" value="apply" variant="primary" disabled={!canConfirm || !nameOk}>
          Start canary in {cluster.name}
        </Button>
      </div>
    </form>
  );
}
