import { SignOutButton } from '@/components/auth/sign-out-button';
import { HeaderFreshness } from '@/components/shell/header-freshness';
import { Badge } from '@/components/ui/badge';
import { ServerIcon } from '@/components/ui/icons';
import { Skeleton } from '@/components/ui/skeleton';
import type { ClusterInfo } from '@/lib/fleet/views';
import { clusterSession, getClusterInfo } from '@/lib/k8s/fleet';

/** Which cluster this is, where, and as whom: said plainly in the header of every cluster page. */
export async function ClusterBadge({ cluster }: { cluster: string }) {
  let info: ClusterInfo | undefined;
  let problem: string | undefined;
  try {
    info = await getClusterInfo(clusterSession(cluster));
  } catch (e) {
    // Signed out (token or proxy mode): say nothing about the cluster to someone not signed in.
    if (e instanceof Error && e.name === 'NotSignedIn') return <p className="text-xs text-zinc-600 dark:text-zinc-400">Not signed in</p>;
    problem = e instanceof Error ? e.message : String(e);
  }
  if (!info) {
    return (
      <section aria-label="Cluster" className="max-w-md text-xs text-red-700 dark:text-red-400">
        Cannot connect to this cluster{problem ? `: ${problem}` : ''}
      </section>
    );
  }
  return <ClusterBadgeView info={info} />;
}

export function ClusterBadgeView({ info }: { info: ClusterInfo }) {
  const identity = info.context && info.context !== info.user ? `${info.user} (context ${info.context})` : info.user;
  return (
    <section aria-label="Cluster" className="flex items-center gap-2 text-xs">
      <ServerIcon className="size-4 shrink-0 text-zinc-600 dark:text-zinc-400" />
      <div className="leading-tight">
        <p className="flex flex-wrap items-center gap-1.5">
          {info.builtIn ? (
            <>
              <Badge variant="info">Built-in simulated cluster</Badge>
              <span className="font-semibold">{info.displayName}</span>
            </>
          ) : (
            <span className="font-medium">
              {info.source === 'in-cluster' ? 'In-cluster' : 'Cluster'} <span className="font-semibold">{info.displayName}</span>
            </span>
          )}
          {info.kruiseVersion === null && !info.error && <Badge variant="warning">Kruise not installed</Badge>}
          <HeaderFreshness cluster={info.id} />
        </p>
        <p className="text-zinc-600 dark:text-zinc-400">
          <span className="font-mono">{info.server}</span> · as <span className="font-medium">{identity}</span>
          {info.kubernetesVersion ? ` · ${info.kubernetesVersion}` : ''}
          {info.auth && info.auth.mode !== 'local' && (
            <> · {info.auth.mode === 'token' ? 'signed in with a token' : 'via the sign-in proxy'}</>
          )}
        </p>
        {info.auth?.signedIn && <SignOutButton />}
      </div>
    </section>
  );
}

export function ClusterBadgeSkeleton() {
  return (
    <div className="flex items-center gap-2" role="status">
      <span className="sr-only">Connecting to the cluster…</span>
      <Skeleton className="h-4 w-4" />
      <div className="space-y-1">
        <Skeleton className="h-3 w-40" />
        <Skeleton className="h-3 w-56" />
      </div>
    </div>
  );
}
