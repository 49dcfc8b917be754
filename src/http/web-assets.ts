import { readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** One entry of Vite's build manifest (web/dist/.vite/manifest.json, `build.manifest` in web/vite.config.ts). */
interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
  assets?: string[];
}
type Manifest = Record<string, ManifestChunk>;

/** The explorer page's lazy chunk (web/src/app/routes.tsx); what only it reaches is GraphiQL, Monaco and their workers. */
export const EXPLORER_ENTRY = 'src/features/explorer/Explorer.tsx';

/**
 * The files (paths like `assets/index-abc.js`) the app loads without the explorer: the entry's imports, styles and
 * assets, and every lazy chunk but the explorer's, followed to the end. Files outside it (Monaco's workers are in no
 * manifest entry) belong to the explorer alone.
 */
export function appFiles(manifest: Manifest): Set<string> {
  const files = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key) || key === EXPLORER_ENTRY) return;
    seen.add(key);
    for (const file of [chunk.file, ...(chunk.css ?? []), ...(chunk.assets ?? [])]) files.add(file);
    for (const next of [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]) visit(next);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return files;
}

/**
 * Tells whether a file under assets/ is one the app without the explorer loads, from the build's manifest (read again
 * when a rebuild changes it). A build without a manifest (older than this rule) allows every file.
 */
export function appAssetFilter(root: string): (file: string) => Promise<boolean> {
  const path = join(root, '.vite', 'manifest.json');
  let cached: { mtimeMs: number; files: Set<string> | null } | undefined;
  return async (file) => {
    const mtimeMs = (await stat(path).catch(() => undefined))?.mtimeMs ?? 0;
    if (cached?.mtimeMs !== mtimeMs) {
      const text = mtimeMs ? await readFile(path, 'utf8').catch(() => undefined) : undefined;
      cached = { mtimeMs, files: text ? parse(text) : null };
    }
    return !cached.files || cached.files.has(file);
  };
}

function parse(text: string): Set<string> | null {
  try {
    return appFiles(JSON.parse(text) as Manifest);
  } catch {
    return null; // a manifest cut short by a build under way: the next request reads it again (its mtime changes)
  }
}

/** The file a request under /app names, relative to the build (`assets/x.js`) as the static server resolves it ('' for /app itself); null if unreadable. */
export function requestedFile(url: string, prefix: string): string | null {
  try {
    const path = posix.normalize(decodeURIComponent(url.split(/[?#]/, 1)[0]));
    return path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : '';
  } catch {
    return null;
  }
}
