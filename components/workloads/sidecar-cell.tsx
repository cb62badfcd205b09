import { type IconName, type Tone, ToneIcon } from '@/components/ui/status-pill';
import { imageTag } from '@/components/ui/format';
import type { SidecarVersionCount, WorkloadRow } from '@/lib/fleet/views';
import { SafeText } from '@/components/ui/safe-text';

type SidecarEntry = WorkloadRow['sidecars'][string];

function versionLook(v: SidecarVersionCount): { tone: Tone; icon: IconName; label: string } {
  if (v.failing > 0) return { tone: 'danger', icon: 'x', label: `${v.failing} failing` };
  if (v.ready < v.pods) return { tone: 'progress', icon: 'progress', label: `${v.pods - v.ready} not ready` };
  return { tone: 'success', icon: 'check', label: 'all ready' };
}

/** One workload × one sidecar: each version present with its pod count and health. */
export function SidecarCell({ entry }: { entry: SidecarEntry | undefined }) {
  if (!entry || entry.versions.length === 0) {
    return (
      <span className="text-zinc-400 dark:text-zinc-600">
        <span aria-hidden="true">—</span>
        <span className="sr-only">not injected</span>
      </span>
    );
  }
  const versions = [...entry.versions].sort((a, b) => b.pods - a.pods);
  return (
    <div className="space-y-0.5">
      <ul className="space-y-0.5">
        {versions.map((v) => {
          const look = versionLook(v);
          return (
            <li key={v.image} className="flex items-center gap-1 text-xs">
              <ToneIcon icon={look.icon} tone={look.tone} />
              <span className="font-mono">
                <SafeText text={imageTag(v.image)} max={40} />
              </span>
              <span className="tabular-nums text-zinc-600 dark:text-zinc-400">
                ×{v.pods}
                {v.updated < v.pods && v.updated > 0 ? ` (${v.updated} updated)` : ''}
              </span>
              <span className="sr-only">
                {look.label}
                {v.restarts > 0 ? `, ${v.restarts} restarts` : ''}
              </span>
              {v.restarts > 0 && (
                <span aria-hidden="true" className="text-[11px] text-amber-700 dark:text-amber-400">
                  ↻{v.restarts}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      {(entry.outdated > 0 || entry.notUpgradable > 0) && (
        <p className="text-[11px] text-amber-800 dark:text-amber-300">
          {entry.outdated > 0 && <span>{entry.outdated} outdated</span>}
          {entry.outdated > 0 && entry.notUpgradable > 0 && ' · '}
          {entry.notUpgradable > 0 && <span>{entry.notUpgradable} need recreate</span>}
        </p>
      )}
    </div>
  );
}
