import type { SidecarSetSummary } from '@/lib/fleet/views';

/*
 * Slots for the rollout actions of issue 5 (Canary upgrade, Promote, Pause rollout, Resume
 * rollout, Roll back). They render nothing yet; the rollout engineer fills them (for example with
 * components from components/rollout/) without touching the pages. Both receive the SidecarSet as
 * last polled, so a guard on resourceVersion/partition/image can be built from what the user saw.
 * They are rendered inside client components (the live views), so they must be client-safe.
 */

/** The SidecarSet detail page header, right of the title. */
export function SidecarSetActions(_props: { sidecarSet: SidecarSetSummary }) {
  return null;
}

/** The last cell of each row of the fleet overview table (compact buttons or a menu). */
export function SidecarSetRowActions(_props: { sidecarSet: SidecarSetSummary }) {
  return null;
}

/** The overview header, beside the totals: fleet-wide actions such as "pause every rollout in progress". */
export function FleetActions(_props: { sidecarSets: SidecarSetSummary[] }) {
  return null;
}
