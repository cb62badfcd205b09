/** Schemas of the built-in kinds (filled in below). */
import type { Schema } from './schema';

export function builtinSchemas(): Record<string, Schema> {
  return {};
}
