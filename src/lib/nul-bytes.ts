import { Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { AppError } from '../errors';

type Reason = 'NUL_CHARACTER' | 'MALFORMED_UNICODE' | 'TOO_DEEP';
const MESSAGES: Record<Reason, string> = {
  NUL_CHARACTER: 'contains a NUL character (U+0000), which no field accepts.',
  MALFORMED_UNICODE: 'contains a lone surrogate (half of a UTF-16 pair), which is not text.',
  TOO_DEEP: 'is nested deeper than any input of this API.',
};

/**
 * A NUL or a lone surrogate in a string argument or variable: SQLite stops reading at a NUL, PostgreSQL refuses
 * both (a masked 500 otherwise), so they never get that far.
 */
export class NulCharacterError extends AppError {
  constructor(field: string, reason: Reason = 'NUL_CHARACTER') {
    super(`${field} ${MESSAGES[reason]}`, 'BAD_USER_INPUT', 400, { field, reason });
  }
}

// A NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const BAD_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const reasonOf = (text: string): Reason | null => {
  const match = BAD_TEXT.exec(text);
  return match ? (match[0] === '\u0000' ? 'NUL_CHARACTER' : 'MALFORMED_UNICODE') : null;
};
/** No input type of the schema nests this deep; a deeper value is refused rather than left unchecked. */
const MAX_DEPTH = 64;

interface Found {
  field: string;
  reason: Reason;
}
// Apollo keeps one DocumentNode per distinct query, so each is walked once.
const literals = new WeakMap<DocumentNode, Found | null>();

/** The argument or input field whose string literal holds a NUL or a lone surrogate, or null. */
function nulInLiterals(document: DocumentNode): Found | null {
  const known = literals.get(document);
  if (known !== undefined) return known;
  let found: Found | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      const reason = found === null ? reasonOf(node.value) : null;
      if (!reason) return;
      const named = [parent, ...[...ancestors].reverse()].find((a): a is ASTNode & { name: { value: string } } => !Array.isArray(a) && ((a as ASTNode).kind === Kind.ARGUMENT || (a as ASTNode).kind === Kind.OBJECT_FIELD));
      found = { field: named?.name.value ?? 'query', reason };
    },
  });
  literals.set(document, found);
  return found;
}

/** The variable (or the innermost input field inside it) whose string value holds a NUL or a lone surrogate, or null. */
function nulInValue(value: unknown, name: string, depth = 0): Found | null {
  if (typeof value === 'string') {
    const reason = reasonOf(value);
    return reason ? { field: name, reason } : null;
  }
  if (!value || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { field: name, reason: 'TOO_DEEP' };
  for (const [key, inner] of Object.entries(value)) {
    const found = nulInValue(inner, Array.isArray(value) ? name : key, depth + 1);
    if (found) return found;
  }
  return null;
}

/** Throws NulCharacterError naming the first argument, input field or variable that carries a NUL or a lone surrogate. */
export function assertNoNul(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  const found = nulInLiterals(document) ?? (variables ? nulInValue(variables, 'variables') : null);
  if (found) throw new NulCharacterError(found.field, found.reason);
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
