import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

/** Creates `dir` (and missing parents) 0700: modes are set after creation, since the umask may be anything (even 000). */
export function ensurePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return; // it existed: the operator's folder keeps the operator's mode
  chmodSync(dir, 0o700);
}

/**
 * The SQLite database 0600 before SQLite opens it: SQLite gives its -wal and -shm files the database file's mode,
 * so all three stay private whatever the umask. Existing files are narrowed too.
 */
export function ensurePrivateDatabase(file: string): void {
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) if (existsSync(path)) chmodSync(path, 0o600);
}
