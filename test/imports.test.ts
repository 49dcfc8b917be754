import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SRC = resolve(__dirname, '../src');

/** Relative imports of every file under src/ (type-only imports included: they tie files together for readers too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'generated') walk(path);
      } else if (path.endsWith('.ts')) {
        const deps = [...readFileSync(path, 'utf8').matchAll(/from\s+'(\.[^']+)'/g)]
          .map((m) => resolve(dirname(path), m[1]))
          .flatMap((t) => [t + '.ts', join(t, 'index.ts')].filter((c) => existsSync(c)).slice(0, 1));
        graph.set(relative(SRC, path), deps.map((d) => relative(SRC, d)));
      }
    }
  };
  walk(SRC);
  return graph;
}

/** Files that can reach themselves again: Tarjan's strongly connected components larger than one file. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('imports', () => {
  it('no circle runs through the wiring (services.ts, context.ts) or the account-events seam', () => {
    const through = circles(importGraph()).filter((c) => c.some((f) => ['services.ts', 'context.ts', 'events.ts'].includes(f)));
    expect(through).toEqual([]);
  });

  it('services tell what happened to an account through events.ts, not by importing the live (or audit) service', () => {
    const graph = importGraph();
    const told = (file: string, target: string) => ({ file, imports: graph.get(file)!.includes(target) });
    for (const file of ['modules/session/session.service.ts', 'modules/access/api-token.service.ts', 'modules/user/user.service.ts', 'modules/oidc/identity.service.ts']) {
      expect(told(file, 'modules/live/live.service.ts')).toEqual({ file, imports: false });
    }
    for (const file of ['modules/user/user.service.ts', 'modules/oidc/identity.service.ts']) {
      expect(told(file, 'modules/audit/audit.service.ts')).toEqual({ file, imports: false });
    }
  });
});
