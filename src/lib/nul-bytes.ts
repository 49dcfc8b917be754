import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { AppError } from '../errors';

/** A NUL in a string argument or variable: SQLite stops reading at it and PostgreSQL refuses it, so it never gets that far. */
export class NulCharacterError extends AppError {
  constructor(field: string) {
    super(`${field} contains a NUL character (U+0000), which no field accepts.`, 'BAD_USER_INPUT', 400, { field, reason: 'NUL_CHARACTER' });
  }
}

const NUL = '\u0000';
// Apollo keeps one DocumentNode per distinct query, so each is walked once.
const literals = new WeakMap<DocumentNode, string | null>();

/** The argument or input field whose string literal holds a NUL, or null. */
function nulInLiterals(document: DocumentNode): string | null {
  const known = literals.get(document);
  if (known !== undefined) return known;
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (found !== null || !node.value.includes(NUL)) return;
      const named = [parent, ...[...ancestors].reverse()].find((a): a is ASTNode & { name: { value: string } } => !Array.isArray(a) && ((a as ASTNode).kind === Kind.ARGUMENT || (a as ASTNode).kind === Kind.OBJECT_FIELD));
      found = named?.name.value ?? 'query';
    },
  });
  literals.set(document, found);
  return found;
}

/** The variable (or the innermost input field inside it) whose string value holds a NUL, or null. */
function nulInValue(value: unknown, name: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? name : null;
  if (!value || typeof value !== 'object' || depth > 64) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = nulInValue(inner, Array.isArray(value) ? name : key, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws NulCharacterError naming the first argument, input field or variable that carries a NUL. */
export function assertNoNul(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  const field = nulInLiterals(document) ?? (variables ? nulInValue(variables, 'variables') : null);
  if (field) throw new NulCharacterError(field);
}

/** The HTTP edge: every operation is checked once its document is known, before anything runs. */
export const nulBytesPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request }) {
        assertNoNul(document, request.variables);
      },
    };
  },
};
