import { StatusPill, type IconName, type Tone, ToneIcon } from '@/components/ui/status-pill';
import type { PodSidecarState } from '@/lib/fleet/views';

interface Look {
  tone: Tone;
  icon: IconName;
  label: string;
  title: string;
}

/** One sidecar on one pod, in the order a person should care: failing, upgrading, stuck, behind, fine. */
export function sidecarLook(s: PodSidecarState): Look {
  if (s.failed) {
    return { tone: 'danger', icon: 'x', label: s.failed.reason, title: s.failed.message ?? s.failed.reason };
  }
  if (s.inFlight) return { tone: 'progress', icon: 'progress', label: 'Upgrading', title: 'In-place upgrade in progress' };
  if (s.orphaned) {
    const why =
      s.orphanReason === 'sidecarset-deleted'
        ? 'its SidecarSet was deleted'
        : s.orphanReason === 'container-removed'
          ? 'its SidecarSet no longer has this container'
          : s.orphanReason === 'no-longer-selected'
            ? 'its SidecarSet no longer selects this pod'
            : 'no SidecarSet owns it any more';
    return { tone: 'neutral', icon: 'help', label: 'Orphaned', title: `Orphaned: ${why}` };
  }
  if (!s.upgradable) {
    return {
      tone: 'warning',
      icon: 'alert',
      label: 'Needs recreate',
      title: 'The SidecarSet changed more than the image: only a new pod gets it',
    };
  }
  if (!s.updated) return { tone: 'warning', icon: 'alert', label: 'Outdated', title: 'Not at the latest revision' };
  if (!s.ready) return { tone: 'progress', icon: 'progress', label: 'Not ready', title: 'Updated, not ready yet' };
  return { tone: 'success', icon: 'check', label: 'Up to date', title: 'Updated and ready' };
}

export function SidecarStatePill({ sidecar }: { sidecar: PodSidecarState }) {
  const l = sidecarLook(sidecar);
  return <StatusPill tone={l.tone} icon={l.icon} label={l.label} title={l.title} />;
}

export function YesNo({ value, yes = 'Yes', no = 'No' }: { value: boolean; yes?: string; no?: string }) {
  return (
    <span className="inline-flex items-center gap-1">
      <ToneIcon icon={value ? 'check' : 'minus'} tone={value ? 'success' : 'neutral'} />
      {value ? yes : no}
    </span>
  );
}
