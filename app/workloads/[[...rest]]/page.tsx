import { redirectToDefaultCluster } from '@/app/_lib/legacy-redirect';

type Props = { params: Promise<{ rest?: string[] }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

/** /workloads… from before clusters were in the URL: the default cluster's page. */
export default async function LegacyWorkloads({ params, searchParams }: Props) {
  const rest = (await params).rest ?? [];
  return redirectToDefaultCluster(['/workloads', ...rest].join('/'), searchParams);
}
