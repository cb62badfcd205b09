import { Age } from '@/components/ui/age';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { imageTag } from '@/components/ui/format';
import { Table, TBody, Td, Th, THead, Tr } from '@/components/ui/table';
import type { RevisionRow } from '@/lib/fleet/views';
import { memo } from 'react';
import { SafeText } from '@/components/ui/safe-text';

/** Revision history from ControllerRevisions, newest first, with the pods on each. */
export const RevisionsTable = memo(function RevisionsTable({ revisions, name }: { revisions: RevisionRow[]; name: string }) {
  if (revisions.length === 0) {
    return <EmptyState title="No revisions recorded">The controller has not written a ControllerRevision yet.</EmptyState>;
  }
  const sorted = [...revisions].sort((a, b) => b.revision - a.revision);
  return (
    <Table caption={`Revision history of ${name}`}>
      <THead>
        <tr>
          <Th>Revision</Th>
          <Th>Images</Th>
          <Th>Custom version</Th>
          <Th className="text-right">Pods</Th>
          <Th className="text-right">Age</Th>
        </tr>
      </THead>
      <TBody>
        {sorted.map((r) => (
          <Tr key={r.name}>
            <Th scope="row">
              <span className="tabular-nums">#{r.revision}</span>
              {r.latest && (
                <Badge variant="info" className="ml-1.5">
                  latest
                </Badge>
              )}
              <span className="block font-mono text-[11px] font-normal text-zinc-600 dark:text-zinc-400">{r.name}</span>
            </Th>
            <Td>
              <ul className="space-y-0.5">
                {Object.entries(r.images).map(([c, img]) => (
                  <li key={c} className="text-xs">
                    <span className="text-zinc-600 dark:text-zinc-400">{c}: </span>
                    <span className="font-mono" title={img}>
                      <SafeText text={imageTag(img)} max={40} />
                    </span>
                  </li>
                ))}
              </ul>
            </Td>
            <Td className="text-xs">{r.customVersion ?? '—'}</Td>
            <Td className="text-right tabular-nums">{r.pods}</Td>
            <Td className="text-right text-xs">
              <Age iso={r.createdAt} />
            </Td>
          </Tr>
        ))}
      </TBody>
    </Table>
  );
});
