'use client';

import type { ReactNode } from 'react';
import { Field, inputClass } from '@/components/ui/form-field';

/**
 * A change that covers the whole fleet asks for the SidecarSet's name to be typed, as GitHub asks
 * before deleting a repository: one wrong click cannot roll a fleet.
 */
export function ConfirmNameField({
  id,
  label,
  value,
  onChange,
  errors,
}: {
  id: string;
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  errors: string[] | undefined;
}) {
  return (
    <Field id={`${id}-confirm`} label={label} errors={errors}>
      <input
        id={`${id}-confirm`}
        name="confirmName"
        className={`${inputClass} font-mono`}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={(errors?.length ?? 0) > 0 || undefined}
      />
    </Field>
  );
}
