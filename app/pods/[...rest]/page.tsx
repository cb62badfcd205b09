import { redirectToDefaultCluster } from '@/app/_lib/legacy-redirect';

type Props = { params: Promise<{ rest: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /pods/<namespace>/<name> from before clusters were in the URL: the default cluster's page. */
export default async function LegacyPod({ params, searchParams }: Props) {
  return redirectToDefaultCluster(`/pods/${(await params).rest.join('/')}`, searchParams);
}
