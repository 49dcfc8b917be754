import { BadUserInputError } from '../errors';

// C0/C1 controls, and line or paragraph separators: a name is one line of visible text.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
// In a multi-line text, tab and line breaks are allowed.
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
// Bidi embeddings, overrides and isolates (and the marks LRM, RLM, ALM), which reorder what others see
// ("abc\u202Egnp.exe" shows as "abcexe.png"), and zero-width characters, which make equal-looking names differ.
const INVISIBLE = /[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]/u;
// Every other character Unicode says renders as nothing (soft hyphen, combining grapheme joiner, invisible
// operators, tag characters that smuggle hidden text, variation selectors), checked one by one below.
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
// A text or emoji presentation selector is what makes "❤️" red: kept right after a symbol or pictograph.
const PRESENTATION = new Set(['\ufe0e', '\ufe0f']);
const PICTOGRAPH = /^[\p{Extended_Pictographic}\p{S}]$/u;
// Something a reader sees: a letter, digit, punctuation or symbol, not a filler that renders blank.
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;
// Hangul fillers (default-ignorable) and the blank braille pattern (not): blank, whatever a font draws.
const FILLERS = '\u115f\u1160\u3164\uffa0';
const BLANK_FILLERS = new RegExp(`[${FILLERS}\u2800]`, 'gu');
const FILLER = new RegExp(`^[${FILLERS}]$`, 'u');

/** The code point just before `index` (a surrogate pair read as one). */
function before(text: string, index: number): string | undefined {
  if (index === 0) return undefined;
  const low = text.charCodeAt(index - 1);
  const start = index >= 2 && low >= 0xdc00 && low <= 0xdfff && text.charCodeAt(index - 2) >= 0xd800 && text.charCodeAt(index - 2) <= 0xdbff ? index - 2 : index - 1;
  return text.slice(start, index);
}

/** A character that renders as nothing. A name of fillers alone is left to the visible-character rule. */
function hasIgnorable(text: string): boolean {
  const onlyFillers = !VISIBLE.test(text.replace(BLANK_FILLERS, ''));
  for (const match of text.matchAll(IGNORABLE)) {
    const char = match[0];
    // Beside visible text a Hangul filler pads a name to look like another ("root\u3164" as "root").
    if (FILLER.test(char) && onlyFillers) continue;
    const previous = before(text, match.index);
    if (PRESENTATION.has(char) && previous !== undefined && PICTOGRAPH.test(previous)) continue;
    return true;
  }
  return false;
}

/** Refuses what would hide or reorder text shown to other people; `text` is already NFC and trimmed. */
function assertVisible(text: string, field: string): void {
  if (INVISIBLE.test(text) || hasIgnorable(text)) throw new BadUserInputError(field, `${field} may not contain bidi controls or zero-width characters.`, 'INVISIBLE_CHARACTER');
  if (!VISIBLE.test(text.replace(BLANK_FILLERS, ''))) throw new BadUserInputError(field, `${field} must contain a visible character.`, 'NO_VISIBLE_CHARACTER');
}

/**
 * A display name as stored: NFC-normalised and trimmed, 1 to `max` characters (Unicode code points),
 * one line, with a visible character and nothing that hides or reorders text. Anything else is the
 * caller's mistake, reported on `field`.
 */
export function cleanName(value: string, field: string, max: number): string {
  const name = value.normalize('NFC').trim();
  const length = [...name].length;
  if (length < 1 || length > max) throw new BadUserInputError(field, `${field} must be 1 to ${max} characters after trimming.`);
  if (CONTROL.test(name)) throw new BadUserInputError(field, `${field} must be one line without control characters.`);
  assertVisible(name, field);
  return name;
}

/** A description as stored: NFC-normalised and trimmed, at most `max` characters, lines allowed; empty, or with a visible character. */
export function cleanText(value: string, field: string, max: number): string {
  const text = value.normalize('NFC').trim();
  if ([...text].length > max) throw new BadUserInputError(field, `${field} must be at most ${max} characters.`);
  if (text === '') return text;
  if (TEXT_CONTROL.test(text)) throw new BadUserInputError(field, `${field} may not contain control characters.`);
  assertVisible(text, field);
  return text;
}

/**
 * The key names are compared on for uniqueness: the cleaned (NFC) name with full Unicode lower-casing, done
 * here so SQLite and PostgreSQL agree. (Not Unicode case folding's ß → ss: stored keys would change.)
 */
export const nameKey = (name: string): string => name.toLowerCase();

/** A LIKE pattern matching `text` anywhere; `\` is the escape character (give it with `escape '\'`). */
export const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
