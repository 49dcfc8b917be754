import { GraphQLScalarType, Kind } from 'graphql';
import { BadUserInputError } from './errors';

/** ISO-8601 UTC timestamps in and out. */
export const DateTime = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new TypeError('DateTime can only serialize Date values');
  },
  parseValue: (value) => parse(value),
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});

/** Years 0001–9999: ISO-8601 without an expanded year, and what every database here stores (PostgreSQL has no year 0). */
const MIN_MS = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new BadUserInputError('DateTime', 'DateTime must be an ISO-8601 string.');
  if (date.getTime() < MIN_MS || date.getTime() > MAX_MS) throw new BadUserInputError('DateTime', 'DateTime must be within the years 0001 to 9999.');
  return date;
}
