'use client';

import { useEffect, useState } from 'react';
import { cn } from '@/components/ui/cn';
import { MonitorIcon, MoonIcon, SunIcon } from '@/components/ui/icons';

type Theme = 'system' | 'light' | 'dark';
const KEY = 'theme';

/**
 * Runs in <head> before first paint: the stored choice, else the OS preference. Kept tiny and
 * dependency-free because it is inlined as a string.
 */
export const themeScript = `(function(){try{var t=localStorage.getItem('${KEY}');var d=t==='dark'||(t!=='light'&&window.matchMedia('(prefers-color-scheme: dark)').matches);document.documentElement.classList.toggle('dark',d)}catch(e){}})()`;

function apply(theme: Theme) {
  const dark = theme === 'dark' || (theme === 'system' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
}

function readStored(): Theme {
  try {
    const t = localStorage.getItem(KEY);
    return t === 'light' || t === 'dark' ? t : 'system';
  } catch {
    return 'system';
  }
}

const options: Array<{ value: Theme; label: string; Icon: typeof SunIcon }> = [
  { value: 'light', label: 'Light theme', Icon: SunIcon },
  { value: 'system', label: 'System theme', Icon: MonitorIcon },
  { value: 'dark', label: 'Dark theme', Icon: MoonIcon },
];

export function ThemeToggle() {
  // The server cannot know the choice; render 'system' first, then sync after mount.
  const [theme, setTheme] = useState<Theme>('system');

  useEffect(() => {
    const stored = readStored();
    setTheme(stored);
    apply(stored);
  }, []);

  useEffect(() => {
    if (theme !== 'system') return;
    const mq = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => apply('system');
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, [theme]);

  function choose(next: Theme) {
    setTheme(next);
    try {
      if (next === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
    apply(next);
  }

  return (
    <fieldset className="flex items-center rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700">
      <legend className="sr-only">Colour theme</legend>
      {options.map(({ value, label, Icon }) => (
        <button
          key={value}
          type="button"
          aria-label={label}
          aria-pressed={theme === value}
          title={label}
          onClick={() => choose(value)}
          className={cn(
            'inline-flex size-6 items-center justify-center rounded text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100',
            theme === value && 'bg-zinc-200 text-zinc-900 dark:bg-zinc-700 dark:text-zinc-50',
          )}
        >
          <Icon className="size-3.5" />
        </button>
      ))}
    </fieldset>
  );
}
