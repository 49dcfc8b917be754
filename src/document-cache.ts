import type { DocumentNode } from 'graphql';

/**
 * Parsed documents by key, bounded by the memory they really hold. Apollo's default store sizes an entry
 * as its JSON, a few hundred bytes, while the entry keeps the whole query text (comments included) alive
 * through `loc.source.body`, and its nodes and tokens take several times their JSON: measured, about the
 * text plus four times the JSON. Least recently used entries leave first.
 */
export class DocumentCache {
  private readonly entries = new Map<string, { document: DocumentNode; size: number }>();
  private used = 0;

  constructor(readonly maxBytes: number) {}

  lookup(key: string): DocumentNode | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key); // re-inserted last: most recently used
    this.entries.set(key, entry);
    return entry.document;
  }

  store(key: string, document: DocumentNode): void {
    const size = key.length + retainedSize(document);
    if (size > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.used -= old.size;
    }
    for (const [k, entry] of this.entries) {
      if (this.used + size <= this.maxBytes) break;
      this.entries.delete(k);
      this.used -= entry.size;
    }
    this.entries.set(key, { document, size });
    this.used += size;
  }

  /** Bytes the cached documents are estimated to hold. */
  get bytes(): number {
    return this.used;
  }

  // Apollo's KeyValueCache<DocumentNode> (its `documentStore` option).
  async get(key: string): Promise<DocumentNode | undefined> {
    return this.lookup(key);
  }
  async set(key: string, document: DocumentNode): Promise<void> {
    this.store(key, document);
  }
  async delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (entry) this.used -= entry.size;
    return this.entries.delete(key);
  }
}

/** The query text the document keeps alive plus its nodes and tokens (about four times its JSON). */
export const retainedSize = (document: DocumentNode): number => (document.loc?.source.body.length ?? 0) + 4 * JSON.stringify(document).length;

/** Apollo's own budget for its document store, now counted in what the documents really hold. */
export const DOCUMENT_CACHE_BYTES = 30 * 1024 * 1024;
