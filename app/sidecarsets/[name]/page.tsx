import { redirectToDefaultCluster } from '@/app/_lib/legacy-redirect';

type Props = { params: Promise<{ name: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /sidecarsets/<name> from before clusters were in the URL: the default cluster's page. */
export default async function LegacySidecarSet({ params, searchParams }: Props) {
  return redirectToDefaultCluster(`/sidecarsets/${(await params).name}`, searchParams);
}
