'use client';

import { AttentionList } from '@/components/overview/attention-list';
import { StateChangeAnnouncer } from '@/components/live/state-change-announcer';
import { AccessErrors, FreshnessBanner, LiveIndicator } from '@/components/live/freshness';
import { SidecarSetTable } from '@/components/overview/sidecarset-table';
import { rolloutLook } from '@/components/status/status-pills';
import { FleetTotalsView } from '@/components/overview/totals';
import { FleetActions } from '@/components/rollout/rollout-buttons';
import { Banner } from '@/components/ui/banner';
import { Section } from '@/components/ui/section';
import { overviewOptions } from '@/lib/query/options';
import { useLiveQuery } from '@/lib/query/use-live-query';
import { useCluster } from '@/components/shell/cluster-scope';

/** The fleet overview, polled live. First render comes hydrated from the server's prefetch. */
export function OverviewLive() {
  const cluster = useCluster().id;
  const { data, error, freshness, updatedAt } = useLiveQuery(cluster, overviewOptions(cluster));
  if (!data) return null;
  const states = Object.fromEntries(data.sidecarSets.map((s) => [s.name, rolloutLook[s.state.kind].label]));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <LiveIndicator freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
        <FleetActions sidecarSets={data.sidecarSets} />
      </div>
      <FreshnessBanner freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
      <StateChangeAnnouncer states={states} noun="SidecarSet" />
      {data.cluster.kruiseVersion === null && !data.cluster.error && (
        <Banner tone="info" title="OpenKruise is not installed in this cluster">
          The cluster serves no SidecarSet API, so there are no rollouts to show. Workloads and their pods are still listed.
        </Banner>
      )}
      <AccessErrors freshness={freshness} />
      <Section id="totals" title="Fleet totals">
        <FleetTotalsView totals={data.totals} />
      </Section>
      <Section id="attention" title="Needs attention" description="Problems first, then rollouts on hold.">
        <AttentionList items={data.attention} />
      </Section>
      <Section
        id="sidecarsets"
        title="SidecarSets"
        description="Stuck and paused rollouts first. Progress: updated and ready (green), updated but not ready (amber), of matched pods."
      >
        <SidecarSetTable sidecarSets={data.sidecarSets} />
      </Section>
    </div>
  );
}
