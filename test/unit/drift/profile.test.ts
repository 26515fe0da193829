import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeChecksums } from '../../../src/artifact/checksums';
import { decodeProfile, encodeProfile } from '../../../src/drift/profile/codec';
import { readReferenceProfile } from '../../../src/drift/profile/read-reference';
import { ProfileStore } from '../../../src/drift/profile/store';
import { runDrift } from '../../../src/drift/run-drift';
import type { DriftRunOptions } from '../../../src/drift/run-drift';
import { locateReference } from '../../../src/drift/sources/reference';
import { openRuns } from '../../../src/drift/values/runs';
import { createSilentLogger } from '../../../src/telemetry/logger';
import { useTmpDir } from '../../helpers/tmp';
import { predictionLog, referenceCsv } from './data';

const tmp = useTmpDir('mlctl-drift-profile-');
const logger = createSilentLogger();

function numbers(profile: Awaited<ReturnType<typeof readReferenceProfile>>, name: string): number[] {
  const out: number[] = [];
  const cursor = openRuns(profile.columns.get(name)!.numbers.runs);
  while (cursor.next()) out.push(cursor.value, cursor.count);
  return out;
}

describe('reference profiles', () => {
  it('encode and decode to the same profile, and refuse bytes of another reference or a damaged file', async () => {
    const csv = tmp.write('ref.csv', `${referenceCsv(500)}`);
    const profile = await readReferenceProfile(csv, 'ref.csv', 'a'.repeat(64));
    const bytes = encodeProfile(profile);
    const back = decodeProfile(bytes, 'a'.repeat(64))!;
    expect([back.rows, back.header]).toEqual([500, ['x1', 'x2', 'color', 'target', 'prediction']]);
    for (const name of ['x1', 'x2', 'prediction'])
      expect(numbers(back, name)).toEqual(numbers(profile, name));
    expect(back.columns.get('x1')!.numberStats).toEqual(profile.columns.get('x1')!.numberStats);
    expect([...back.columns.get('color')!.texts.counts]).toEqual([
      ...profile.columns.get('color')!.texts.counts,
    ]);
    expect(decodeProfile(bytes, 'b'.repeat(64))).toBeUndefined();
    expect(decodeProfile(bytes.subarray(0, bytes.length - 8), 'a'.repeat(64))).toBeUndefined();
    expect(decodeProfile(Buffer.from('not a profile'), 'a'.repeat(64))).toBeUndefined();
  });

  it('are computed once: then read from the disk cache, or from memory while the file is unchanged', async () => {
    const csv = tmp.write('cached/ref.csv', referenceCsv(400));
    const dir = tmp.path('cache-1');
    const location = await locateReference(csv, tmp.path());
    const first = new ProfileStore(dir, logger);
    expect((await first.load(location, csv)).origin).toBe('computed');
    expect((await first.load(location, csv)).origin).toBe('memory');
    expect(readdirSync(dir)).toEqual([expect.stringMatching(/^[0-9a-f]{64}\.v\d+\.profile$/)]);
    const second = new ProfileStore(dir, logger);
    expect((await second.load(location, csv)).origin).toBe('disk');
    // A changed reference is a new profile; a damaged cache file is computed again.
    writeFileSync(csv, referenceCsv(401));
    expect((await second.load(location, csv)).origin).toBe('computed');
    for (const f of readdirSync(dir)) writeFileSync(join(dir, f), 'garbage');
    expect((await new ProfileStore(dir, logger).load(location, csv)).origin).toBe('computed');
    expect((await new ProfileStore(undefined, logger).load(location, csv)).origin).toBe('computed');
  });

  it('come from an artifact’s verified SHA256SUMS, and a tampered artifact is refused even when cached', async () => {
    const artifact = tmp.path('model');
    tmp.write('model/reference.csv', referenceCsv(300));
    tmp.write('model/model.json', '{}');
    const sums = await writeChecksums(artifact);
    const dir = tmp.path('cache-2');
    const location = await locateReference(artifact, tmp.path());
    const { profile } = await new ProfileStore(dir, logger).load(location, artifact);
    expect(profile.sha256).toBe(sums['reference.csv']);
    writeFileSync(
      join(artifact, 'reference.csv'),
      readFileSync(join(artifact, 'reference.csv'), 'utf8').replace('red', 'RED'),
    );
    await expect(new ProfileStore(dir, logger).load(location, artifact)).rejects.toMatchObject({
      code: 'ARTIFACT_INVALID',
    });
  });

  it('give the same result as reading the reference each run', async () => {
    const csv = tmp.write('same/ref.csv', referenceCsv(600));
    const log = tmp.write('same/cur.jsonl', predictionLog(700, { shift: 0.4 }));
    const options: DriftRunOptions = {
      reference: csv,
      current: log,
      loki: { rangeMinutes: 60, batchSize: 1000, timeoutSeconds: 30 },
      stattest: 'auto',
      driftShare: 0.5,
      minRows: 50,
      predictionColumn: 'prediction',
      targetColumn: 'target',
      profileCache: tmp.path('cache-3'),
    };
    const deps = { logger, cwd: tmp.path() };
    const computed = await runDrift(options, deps);
    const cached = await runDrift(options, deps);
    const none = await runDrift({ ...options, profileCache: undefined }, deps);
    expect([computed.reference.profile, cached.reference.profile, none.reference.profile]).toEqual([
      'computed',
      'disk',
      'computed',
    ]);
    const strip = (r: typeof computed): unknown => ({
      ...r,
      reference: { ...r.reference, profile: null },
      evaluated_at: null,
    });
    expect(strip(cached)).toEqual(strip(computed));
    expect(strip(none)).toEqual(strip(computed));
  });
});
