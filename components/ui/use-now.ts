'use client';

import { useEffect, useState } from 'react';

/** The current time, re-read every `intervalMs` (for "N s ago" texts); 0 until mounted. */
export function useNow(intervalMs = 1000, enabled = true): number {
  const [now, setNow] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    setNow(Date.now());
    const id = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(id);
  }, [intervalMs, enabled]);
  return now;
}
