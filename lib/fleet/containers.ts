/** What Kubernetes says about a container by its spec alone. */

/**
 * A native sidecar: an init container with `restartPolicy: Always` (KEP-753, Kubernetes 1.28+). It
 * keeps running beside the app containers, counts in kubectl's READY, and Kruise hashes and upgrades it.
 */
export function isNativeSidecar(c: { restartPolicy?: string } | undefined): boolean {
  return c?.restartPolicy === 'Always';
}
