'use client';

import Link from 'next/link';
import { StateChangeAnnouncer } from '@/components/live/state-change-announcer';
import { AccessErrors, FreshnessBanner, LiveIndicator } from '@/components/live/freshness';
import { RolloutPill, rolloutLook } from '@/components/status/status-pills';
import { SidecarSetActions } from '@/components/rollout/rollout-buttons';
import { EventGroupsList } from '@/components/sidecarsets/event-groups';
import { Explanation } from '@/components/sidecarsets/explanation';
import { PodGroups } from '@/components/sidecarsets/pod-groups';
import { RevisionsTable } from '@/components/sidecarsets/revisions-table';
import { RolloutCounts, RolloutProgress } from '@/components/sidecarsets/rollout-progress';
import { SpecPanel } from '@/components/sidecarsets/spec-panel';
import { clusterPath } from '@/components/shell/cluster-paths';
import { Banner } from '@/components/ui/banner';
import { PageHeader } from '@/components/ui/page-header';
import { Section } from '@/components/ui/section';
import { HttpError } from '@/lib/query/fetch-json';
import { sidecarSetOptions } from '@/lib/query/options';
import { useLiveQuery } from '@/lib/query/use-live-query';
import { useCluster } from '@/components/shell/cluster-scope';

export function SidecarSetDetailLive({ name }: { name: string }) {
  const cluster = useCluster();
  const { data, error, viewError, freshness, updatedAt } = useLiveQuery(cluster.id, sidecarSetOptions(cluster.id, name));
  const gone = viewError instanceof HttpError && viewError.status === 404;
  if (!data) return null;
  const s = data.summary;
  return (
    <div className="space-y-5">
      <PageHeader
        eyebrow={
          <nav aria-label="Breadcrumb">
            <ol className="flex gap-1">
              <li>
                <Link href={clusterPath(cluster.id)}>Overview</Link> /
              </li>
              <li aria-current="page">SidecarSet</li>
            </ol>
          </nav>
        }
        title={s.name}
        actions={
          // Issue 5's rollout buttons render here (Canary upgrade, Promote, Pause/Resume rollout, Roll back).
          <div data-slot="sidecarset-actions" className="flex flex-wrap items-center gap-2">
            <SidecarSetActions sidecarSet={s} />
          </div>
        }
      >
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <RolloutPill kind={s.state.kind} />
          <RolloutCounts sidecarSet={s} />
          <RolloutProgress sidecarSet={s} className="w-48" />
          <LiveIndicator freshness={freshness} fetchError={gone ? null : error} dataUpdatedAt={updatedAt} />
        </div>
      </PageHeader>
      <StateChangeAnnouncer states={{ [s.name]: rolloutLook[s.state.kind].label }} noun="SidecarSet" />
      {gone ? (
        <Banner tone="warning" title="This SidecarSet no longer exists in the cluster">
          It was deleted after this page was opened. The data below is the last seen.
        </Banner>
      ) : (
        <FreshnessBanner freshness={freshness} fetchError={error} dataUpdatedAt={updatedAt} />
      )}
      <AccessErrors freshness={freshness} />
      <Section id="why" title="Rollout: why it is where it is">
        <Explanation explanation={data.explanation} />
      </Section>
      <Section id="spec" title="Specification">
        <SpecPanel spec={data.spec} summary={s} />
      </Section>
      <Section id="revisions" title="Revision history" description="From the ControllerRevisions Kruise keeps, with the pods on each.">
        <RevisionsTable revisions={data.revisions} name={s.name} />
      </Section>
      <Section id="pods" title="Pods by revision">
        <PodGroups groups={data.podGroups} sidecarSet={s.name} />
      </Section>
      <Section
        id="events"
        title="Events"
        description="The SidecarSet's and its pods' events, grouped by reason and message (pod names and durations set aside), most recently seen first."
      >
        <EventGroupsList data={data.eventGroups} label={`Events of ${s.name} and its pods, by reason and message`} />
      </Section>
    </div>
  );
}
