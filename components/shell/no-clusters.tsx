import { XCircleIcon } from '@/components/ui/icons';

/** No cluster to show at all: what is wrong with the configuration, and how to give it one. */
export function NoClusters({ message, warnings }: { message: string; warnings: string[] }) {
  return (
    <div role="alert" className="mx-auto mt-8 max-w-xl rounded-lg border border-red-300 bg-white p-5 dark:border-red-900 dark:bg-zinc-900">
      <h1 className="flex items-center gap-2 text-base font-semibold">
        <XCircleIcon className="size-5 text-red-600 dark:text-red-400" />
        No cluster to show
      </h1>
      <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">{message}</p>
      {warnings.length > 0 && (
        <ul className="mt-2 list-disc pl-5 text-sm text-zinc-700 dark:text-zinc-300">
          {warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <p className="mt-3 text-sm text-zinc-700 dark:text-zinc-300">
        Clusters come from every context of <code>KUBECONFIG</code> (or <code>~/.kube/config</code>) and the in-cluster service account,
        narrowed by <code>SIDECAR_FLEET_CONTEXTS</code> and <code>SIDECAR_FLEET_EXCLUDE_CONTEXTS</code>.
      </p>
    </div>
  );
}
