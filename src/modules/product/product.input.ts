import { BadUserInputError } from '../../errors';
import type { ProductInput } from '../../generated/graphql';
import { cleanName, cleanText } from '../../lib/text';
import type { Product } from './product.entity';

export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 2000;
export const PRICE_MAX = 100_000_000;
/** The catalogue's currency when a product names none, and an empty cart's. */
export const DEFAULT_CURRENCY = 'EUR';

// The ISO 4217 codes the runtime's ICU data knows (about 160 in Node 20), the same list on every instance of one build.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface ProductFields {
  name: string;
  description: string;
  priceCents: number;
  currency: string;
}

/**
 * Checks a ProductInput. On create, an omitted description is empty and an omitted currency is the default;
 * on update (`current` given) they keep their current values.
 */
export function productFields(input: ProductInput, current?: Product): ProductFields {
  const name = cleanName(input.name, 'name', NAME_MAX);
  const description = input.description == null ? (current?.description ?? '') : cleanText(input.description, 'description', DESCRIPTION_MAX);
  const { priceCents } = input;
  if (!Number.isInteger(priceCents) || priceCents < 0 || priceCents > PRICE_MAX) {
    throw new BadUserInputError('priceCents', `priceCents must be a whole number of cents from 0 to ${PRICE_MAX}.`);
  }
  const currency = input.currency == null ? (current?.currency ?? DEFAULT_CURRENCY) : checkCurrency(input.currency);
  return { name, description, priceCents, currency };
}

/** A three-letter ISO 4217 code, in any letter case; stored upper case. */
export function checkCurrency(value: string): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code)) throw new BadUserInputError('currency', 'currency must be a three-letter ISO 4217 code, such as EUR or USD.');
  return code;
}
