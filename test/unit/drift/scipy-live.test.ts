import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { compareCells } from './columns';
import { ks2Samp } from '../../../src/drift/stats/ks';
import { chi2Sf, normalSf } from '../../../src/drift/stats/special';
import { wassersteinDistance } from '../../../src/drift/stats/wasserstein';
import { describeIfAvailable } from '../../helpers/requirement';
import { useTmpDir } from '../../helpers/tmp';
import { expectClose } from './fixtures';

// A live cross-check against scipy on fresh random samples, where a Python with scipy exists:
// MLCTL_TEST_PYTHON, else python3. Without scipy it is skipped (the committed fixtures still run),
// unless MLCTL_REQUIRE_SCIPY=1, where a missing scipy fails it.
const python = process.env.MLCTL_TEST_PYTHON || 'python3';
const probe = spawnSync(python, ['-c', 'import scipy, numpy'], { encoding: 'utf8' });
const missing =
  probe.status === 0 ? undefined : `${python} cannot import scipy and numpy (set MLCTL_TEST_PYTHON)`;
const tmp = useTmpDir('mlctl-scipy-');

const SCRIPT = `
import json, sys
import numpy as np
from scipy import stats
from scipy.spatial import distance
cases = json.load(open(sys.argv[1]))
out = []
for c in cases:
    if c["kind"] == "ks":
        r = stats.ks_2samp(np.array(c["a"]), np.array(c["b"]))
        out.append([float(r.statistic), float(r.pvalue)])
    elif c["kind"] == "chisquare":
        out.append([float(stats.chisquare(c["obs"], c["exp"]).pvalue)])
    elif c["kind"] == "wasserstein":
        out.append([float(stats.wasserstein_distance(c["a"], c["b"]))])
    elif c["kind"] == "js":
        out.append([float(distance.jensenshannon(c["p"], c["q"]))])
    elif c["kind"] == "special":
        out.append([float(stats.chi2.sf(c["x"], c["dof"])), float(stats.norm.sf(c["z"]))])
print(json.dumps(out))
`;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const gauss = (r: () => number): number => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

describeIfAvailable('live cross-check against scipy', missing, 'MLCTL_REQUIRE_SCIPY', () => {
  it('agrees to 1e-6 on random samples of every size regime', () => {
    const r = rng(Number(process.env.MLCTL_TEST_SEED ?? Date.now() % 1e9));
    const cases: Array<Record<string, unknown>> = [];
    const expected: Array<(s: number[]) => void> = [];
    const sizes: Array<[number, number, number]> = [
      [8, 11, 0.5],
      [40, 40, 0.3],
      [120, 700, 0.2],
      [120, 11_000, 0.1],
      [900, 12_000, 0.05],
      [3000, 2500, 0.02],
    ];
    for (const [n1, n2, shift] of sizes) {
      const round = r() < 0.5; // ties half the time
      const draw = (n: number, d: number): number[] =>
        Array.from({ length: n }, () => (round ? Math.round((gauss(r) + d) * 10) / 10 : gauss(r) + d));
      const a = draw(n1, 0);
      const b = draw(n2, shift * r());
      cases.push({ kind: 'ks', a, b });
      const ks = ks2Samp(Float64Array.from(a).sort(), Float64Array.from(b).sort());
      expected.push(([d, p]) => {
        expectClose(ks.statistic, d!, `ks D ${n1}x${n2}`);
        expectClose(ks.pvalue, p!, `ks p ${n1}x${n2}`);
      });
      cases.push({ kind: 'wasserstein', a, b });
      const w = wassersteinDistance(a, b);
      expected.push(([d]) => expectClose(w, d!, `wasserstein ${n1}x${n2}`));
    }
    for (let k = 0; k < 5; k++) {
      const labels = Array.from({ length: 2 + Math.floor(r() * 8) }, (_, i) => `c${i}`);
      const pick = (n: number, skew: number): string[] =>
        Array.from(
          { length: n },
          () => labels[Math.min(labels.length - 1, Math.floor(r() ** skew * labels.length))]!,
        );
      const ref = pick(500, 1);
      const cur = pick(300 + Math.floor(r() * 500), 1 + r());
      const count = (cells: string[]): Map<string, number> => {
        const m = new Map<string, number>();
        for (const c of cells) m.set(c, (m.get(c) ?? 0) + 1);
        return m;
      };
      const [rc, cc] = [count(ref), count(cur)];
      const keys = [...new Set([...rc.keys(), ...cc.keys()])].sort();
      const obs = keys.map((key) => cc.get(key) ?? 0);
      const exp = keys.map((key) => ((rc.get(key) ?? 0) * cur.length) / ref.length);
      if (exp.every((e) => e > 0)) {
        cases.push({ kind: 'chisquare', obs, exp });
        const chi = compareCells(ref, cur, { stattest: 'chisquare' }).score!;
        expected.push(([p]) => expectClose(chi, p!, 'chisquare'));
      }
      const p = keys.map((key) => (rc.get(key) ?? 0) / ref.length);
      const q = keys.map((key) => (cc.get(key) ?? 0) / cur.length);
      cases.push({ kind: 'js', p, q });
      const js = compareCells(ref, cur, { stattest: 'jensenshannon' }).score!;
      expected.push(([d]) => expectClose(js, d!, 'jensenshannon'));
    }
    for (let k = 0; k < 10; k++) {
      const x = r() * 60;
      const dof = 1 + Math.floor(r() * 40);
      const z = (r() - 0.5) * 16;
      cases.push({ kind: 'special', x, dof, z });
      expected.push(([c, n]) => {
        expectClose(chi2Sf(x, dof), c!, `chi2.sf(${x}, ${dof})`);
        expectClose(normalSf(z), n!, `norm.sf(${z})`);
      });
    }
    const input = tmp.path('cases.json');
    writeFileSync(input, JSON.stringify(cases));
    const script = tmp.write('check.py', SCRIPT);
    const run = spawnSync(python, [script, input], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 120_000,
    });
    expect(run.stderr.replace(/.*RuntimeWarning.*\n?.*\n?/g, '')).toBe('');
    const results = JSON.parse(run.stdout) as number[][];
    expect(results.length).toBe(expected.length);
    results.forEach((values, i) => expected[i]!(values));
  }, 120_000);
});
