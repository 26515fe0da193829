import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli';

// Grafana loads these files only at start-up in a container; what can break them silently is checked here:
// datasource references, unique ids and uids, panels inside the grid, and the provider's path.
const GRAFANA = join(REPO_ROOT, 'infra', 'grafana');
const datasources = (
  parse(readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'mlctl.yaml'), 'utf8')) as {
    datasources: Array<{ uid: string; type: string; isDefault?: boolean }>;
  }
).datasources;
const files = readdirSync(join(GRAFANA, 'dashboards')).filter((f) => f.endsWith('.json'));

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr?: string; datasource?: { type: string; uid: string } }>;
}
const dashboards = files.map((f) => ({
  file: f,
  ...(JSON.parse(readFileSync(join(GRAFANA, 'dashboards', f), 'utf8')) as {
    uid: string;
    title: string;
    panels: Panel[];
    templating: { list: Array<{ datasource?: { uid: string } }> };
  }),
}));

describe('Grafana provisioning and dashboards', () => {
  it('provisions exactly one default datasource, Prometheus', () => {
    expect(datasources.filter((d) => d.isDefault).map((d) => d.type)).toEqual(['prometheus']);
  });

  it('dashboards have unique uids and titles', () => {
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(dashboards.length);
  });

  it.each(dashboards.map((d) => [d.file, d]))(
    '%s: every reference is to a provisioned datasource',
    (_, d) => {
      const byUid = new Map(datasources.map((s) => [s.uid, s.type]));
      const refs = [
        ...d.panels.flatMap((p) => [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)]),
        ...d.templating.list.map((v) => v.datasource),
      ].filter((r): r is { type: string; uid: string } => r !== undefined);
      expect(refs.length).toBeGreaterThan(0);
      for (const ref of refs) expect(byUid.get(ref.uid)).toBe(ref.type);
    },
  );

  it.each(dashboards.map((d) => [d.file, d]))(
    '%s: unique panel ids and refIds, panels inside the 24-column grid',
    (_, d) => {
      expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
      for (const p of d.panels) {
        expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
        const refIds = (p.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size).toBe(refIds.length);
        expect((p.targets ?? []).every((t) => (t.expr ?? '').trim() !== '')).toBe(true);
      }
    },
  );

  it('model performance covers regression models: live and training error per track, unknown categories', () => {
    const d = dashboards.find((x) => x.file === 'model-performance.json')!;
    const exprs = d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    const uses = (pattern: RegExp) => exprs.filter((e) => pattern.test(e));
    // Live RMSE, per track, from the feedback gauge; training's error beside it; both metrics somewhere.
    expect(uses(/ml_model_error\{source="feedback", metric="rmse"[^}]*\}/)).toHaveLength(1);
    expect(uses(/by \(track, metric\) \(ml_model_error\{source="feedback"/).length).toBeGreaterThan(0);
    expect(uses(/ml_model_error\{source="training"/).length).toBeGreaterThanOrEqual(2);
    expect(uses(/ml_unknown_category_total/)).toEqual([
      expect.stringMatching(/^sum by \(track, feature\) \(rate\(ml_unknown_category_total/),
    ]);
    // Every query of the dashboard follows the $track variable.
    for (const e of exprs) expect([e, e.includes('track=~"$track"')]).toEqual([e, true]);
    // The regression panels sit below the classification ones, in their own row.
    const row = d.panels.find((p) => p.type === 'row')!;
    expect(row.title).toMatch(/^Regression/);
    const classification = d.panels.filter((p) => p.id < row.id);
    expect(Math.max(...classification.map((p) => p.gridPos.y + p.gridPos.h))).toBeLessThanOrEqual(
      row.gridPos.y,
    );
    for (const p of d.panels.filter((x) => x.id > row.id)) expect(p.gridPos.y).toBeGreaterThan(row.gridPos.y);
  });

  it('the dashboard provider reads the directory the dashboards are mounted in', () => {
    const provider = parse(
      readFileSync(join(GRAFANA, 'provisioning', 'dashboards', 'mlctl.yaml'), 'utf8'),
    ) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provider.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    ]);
  });
});
