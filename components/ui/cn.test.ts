import { describe, expect, it } from 'vitest';
import { cn, variants } from './cn';

describe('cn', () => {
  it('drops falsy parts and lets a later Tailwind class win over a conflicting one', () => {
    expect(cn('px-2 py-1', false, undefined, 'px-4')).toBe('py-1 px-4');
    expect(cn('text-sm text-zinc-600', 'text-red-700')).toBe('text-sm text-red-700');
    expect(cn('rounded-md', null, 'border')).toBe('rounded-md border');
  });

  it('lets a className prop override the variant it conflicts with', () => {
    const pill = variants({
      base: 'rounded px-2',
      variants: { tone: { ok: 'bg-green-100', bad: 'bg-red-100' } },
      defaults: { tone: 'ok' },
    });
    expect(pill()).toBe('rounded px-2 bg-green-100');
    expect(pill({ tone: 'bad', className: 'px-0 bg-zinc-50' })).toBe('rounded px-0 bg-zinc-50');
  });
});
