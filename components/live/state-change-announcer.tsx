'use client';

import { useEffect, useRef, useState } from 'react';

/**
 * Announces what changed between two polls ("web-mesh: progressing → stuck") to screen readers,
 * without reading out every counter. `states` maps a name to its current state label.
 */
export function StateChangeAnnouncer({ states, noun }: { states: Record<string, string>; noun: string }) {
  const previous = useRef<Record<string, string> | null>(null);
  const [message, setMessage] = useState('');

  useEffect(() => {
    const before = previous.current;
    previous.current = states;
    if (!before) return;
    const changes: string[] = [];
    for (const [name, now] of Object.entries(states)) {
      const was = before[name];
      if (was === undefined) changes.push(`${noun} ${name} appeared: ${now}`);
      else if (was !== now) changes.push(`${noun} ${name}: ${was} → ${now}`);
    }
    for (const name of Object.keys(before)) {
      if (!(name in states)) changes.push(`${noun} ${name} was removed`);
    }
    if (changes.length > 0) setMessage(changes.slice(0, 5).join('. '));
  }, [states, noun]);

  return (
    <div aria-live="polite" aria-atomic="true" className="sr-only">
      {message}
    </div>
  );
}
