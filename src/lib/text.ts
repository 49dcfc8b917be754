import { BadUserInputError } from '../errors';

// C0/C1 controls, and line or paragraph separators: a name is one line of visible text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * A display name as stored: NFC-normalised and trimmed, 1 to `max` characters (Unicode code points),
 * one line. Anything else is the caller's mistake, reported on `field`.
 */
export function cleanName(value: string, field: string, max: number): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  if (length < 1 || length > max) throw new BadUserInputError(field, `${field} must be 1 to ${max} characters after trimming.`);
  if (CONTROL.test(name)) throw new BadUserInputError(field, `${field} must be one line without control characters.`);
  return name;
}

/** The case-insensitive key of a cleaned name (full Unicode lower-casing, done here so SQLite and PostgreSQL agree). */
export const nameKey = (name: string): string => name.toLowerCase();

/** A LIKE pattern matching `text` anywhere; `\` is the escape character (give it with `escape '\'`). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
