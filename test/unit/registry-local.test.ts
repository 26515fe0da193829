import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRegistry } from '../../src/registry/local-registry';
import { registryContract } from '../helpers/registry-contract';

describe('LocalRegistry passes the registry contract', () => {
  let root: string;
  afterAll(() => rm(root, { recursive: true, force: true }));
  registryContract(() => ({
    async open() {
      root = await mkdtemp(join(tmpdir(), 'mlctl-local-registry-'));
      return new LocalRegistry({ root });
    },
    async tamper(_registry, version, file, content) {
      const m = /^models:\/(m-[0-9a-f]{32})$/.exec(version.source);
      if (!m) throw new Error(`unexpected local source ${version.source}`);
      await writeFile(join(root, 'logged-models', m[1] as string, 'artifacts', file), content);
    },
  }));
});
