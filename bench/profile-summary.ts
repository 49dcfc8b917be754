// tsx bench/profile-summary.ts FILE.cpuprofile [N] [SKIP_S]: self time by function, self and total time by package, from
// SKIP_S seconds in (start-up left out), idle left out: to read a --cpu-prof profile without a browser.
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const [file, top = '40', skip = '0'] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
let t = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < Number(skip) * 1e6 || byId.get(id)!.callFrame.functionName === '(idle)') return;
  self.set(id, (self.get(id) ?? 0) + dt);
});
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url: string) => url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? (url.includes('/src/') ? 'src/' + url.split('/src/')[1] : url || '(native)');
const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
const fns = new Map<string, number>();
const pkgs = new Map<string, number>();
for (const [id, us] of self) {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  add(fns, `${functionName || '(anonymous)'} ${where(url)}:${lineNumber + 1}`, us);
  add(pkgs, where(url).replace(/^src\/.*/, 'src (tokengate)').replace(/^node:.*/, 'node: (core)'), us);
}
const show = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [k, us] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`);
};
const inclusive = new Map<string, number>();
for (const [id, us] of self) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(where(byId.get(n)!.callFrame.url).replace(/^src\/.*/, 'src (tokengate)'));
  for (const k of seen) add(inclusive, k, us);
}
console.log(`busy: ${(total / 1e6).toFixed(2)} s`);
show('self time by package', pkgs, 25);
show('total time by package (a sample counts once for each package on its stack)', inclusive, 25);
show('self time by function', fns, Number(top));
