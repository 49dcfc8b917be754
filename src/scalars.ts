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

function parse(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new BadUserInputError('DateTime', 'DateTime must be an ISO-8601 string.');
  return date;
}
