'use client';

import { useEffect, useId, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { cn } from '@/components/ui/cn';
import { shortImage } from '@/components/ui/format';
import { SearchIcon } from '@/components/ui/icons';
import type { Facet, WorkloadQuery, WorkloadsView } from '@/lib/fleet/views';
import { sortKeys, stateFilters } from '@/lib/query/workload-query';

const stateLabels: Record<(typeof stateFilters)[number], string> = {
  healthy: 'Healthy',
  progressing: 'Progressing',
  failing: 'Failing',
  outdated: 'Has outdated sidecars',
  'not-upgradable': 'Needs recreate',
  'never-injected': 'Never injected',
  orphaned: 'Orphaned sidecars',
  drift: 'Any drift',
};

const sortLabels: Record<(typeof sortKeys)[number], string> = {
  name: 'Name',
  namespace: 'Namespace',
  kind: 'Kind',
  pods: 'Pods',
  ready: 'Ready pods',
  outdated: 'Outdated pods',
  health: 'Health',
};

const control =
  'h-8 rounded-md border border-zinc-300 bg-white px-2 text-sm text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100';

/**
 * Filters, search and sort of the Workloads page. Every change rewrites the URL (so the view can
 * be shared and survives a reload) and goes back to page 1.
 */
export function WorkloadFilters({
  query,
  facets,
  onChange,
}: {
  query: WorkloadQuery;
  facets: WorkloadsView['facets'] | undefined;
  onChange: (next: WorkloadQuery, opts?: { replace?: boolean }) => void;
}) {
  const set = (patch: Partial<WorkloadQuery>, replace = false) => {
    const next: WorkloadQuery = { ...query, ...patch, page: 1 };
    for (const k of Object.keys(patch) as Array<keyof WorkloadQuery>) {
      if (patch[k] === '' || patch[k] === undefined) delete next[k];
    }
    onChange(next, { replace });
  };
  const active = Boolean(query.namespace || query.sidecarSet || query.version || query.state || query.q);

  return (
    <search aria-label="Filter workloads" className="flex flex-wrap items-end gap-2">
      <SearchBox value={query.q ?? ''} onSearch={(q) => set({ q }, true)} />
      <FacetSelect label="Namespace" value={query.namespace} facets={facets?.namespaces} onPick={(namespace) => set({ namespace })} />
      <FacetSelect label="SidecarSet" value={query.sidecarSet} facets={facets?.sidecarSets} onPick={(sidecarSet) => set({ sidecarSet })} />
      <FacetSelect
        label="Version"
        value={query.version}
        facets={facets?.versions}
        format={shortImage}
        onPick={(version) => set({ version })}
      />
      <LabeledSelect label="State" value={query.state ?? ''} onChange={(v) => set({ state: (v || undefined) as WorkloadQuery['state'] })}>
        <option value="">Any state</option>
        {stateFilters.map((s) => (
          <option key={s} value={s}>
            {stateLabels[s]}
          </option>
        ))}
      </LabeledSelect>
      <LabeledSelect label="Sort by" value={query.sort ?? 'name'} onChange={(v) => set({ sort: v as WorkloadQuery['sort'] })}>
        {sortKeys.map((s) => (
          <option key={s} value={s}>
            {sortLabels[s]}
          </option>
        ))}
      </LabeledSelect>
      <Button
        size="md"
        aria-label={query.dir === 'desc' ? 'Desc: Sort descending (switch to ascending)' : 'Asc: Sort ascending (switch to descending)'}
        onClick={() => set({ dir: query.dir === 'desc' ? 'asc' : 'desc' })}
      >
        {query.dir === 'desc' ? '↓ Desc' : '↑ Asc'}
      </Button>
      {active && (
        <Button variant="ghost" onClick={() => onChange({ sort: query.sort, dir: query.dir })} aria-label="Clear filters and search">
          Clear filters
        </Button>
      )}
    </search>
  );
}

function LabeledSelect({
  label,
  value,
  onChange,
  children,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  children: React.ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} className={cn(control, 'max-w-56')}>
        {children}
      </select>
    </div>
  );
}

function FacetSelect({
  label,
  value,
  facets,
  format = (v) => v,
  onPick,
}: {
  label: string;
  value: string | undefined;
  facets: Facet[] | undefined;
  format?: (v: string) => string;
  onPick: (v: string) => void;
}) {
  const list = facets ?? [];
  // Keep a value from the URL selectable even when no workload has it any more.
  const options = value && !list.some((f) => f.value === value) ? [{ value, count: 0 }, ...list] : list;
  return (
    <LabeledSelect label={label} value={value ?? ''} onChange={onPick}>
      <option value="">All</option>
      {options.map((f) => (
        <option key={f.value} value={f.value} title={f.value}>
          {format(f.value)} ({f.count})
        </option>
      ))}
    </LabeledSelect>
  );
}

/** Search as you type, debounced so the URL and the server are not asked on every key. */
function SearchBox({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  const last = useRef(value);
  const onSearchRef = useRef(onSearch);
  onSearchRef.current = onSearch;

  // The URL changed from elsewhere (back button, Clear filters): show it.
  useEffect(() => {
    if (value !== last.current) {
      last.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text.trim() === last.current.trim()) return;
    const t = window.setTimeout(() => {
      last.current = text.trim();
      onSearchRef.current(text.trim());
    }, 300);
    return () => window.clearTimeout(t);
  }, [text]);

  return (
    <div className="flex flex-col gap-0.5">
      <label htmlFor={id} className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
        Search
      </label>
      <div className="relative">
        <SearchIcon className="pointer-events-none absolute top-2 left-2 size-4 text-zinc-400" />
        <input
          id={id}
          type="search"
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="name, namespace, image…"
          className={cn(control, 'w-64 pl-7')}
        />
      </div>
    </div>
  );
}
