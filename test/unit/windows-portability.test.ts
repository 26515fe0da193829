import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseChecksums } from '../../src/artifact/checksums';
import { REPO_ROOT, runCli } from '../helpers/cli';
import { useTmpDir } from '../helpers/tmp';

// What a Windows checkout or editor does to files mlctl reads: CRLF line endings and backslash paths.
const tmp = useTmpDir('mlctl-windows-');
const IRIS = join(REPO_ROOT, 'data', 'processed', 'iris.csv');
const SCHEMA = join(REPO_ROOT, 'data', 'processed', 'iris.schema.json');

describe('files saved with Windows line endings', () => {
  it('mlctl.yaml with CRLF gives the same settings', async () => {
    const config = tmp.write(
      'mlctl.yaml',
      `validate:\r\n  schema: ${JSON.stringify(SCHEMA)}\r\n  format: json\r\n`,
    );
    const r = await runCli(['--config', config, 'validate', IRIS]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ valid: true });
  });

  it('SHA256SUMS with CRLF lists the same files', () => {
    const lf = `${'a'.repeat(64)}  model.json\n${'b'.repeat(64)}  trees/part-0.bin\n`;
    expect(parseChecksums(lf.replace(/\n/g, '\r\n'), 'SHA256SUMS')).toEqual(parseChecksums(lf, 'SHA256SUMS'));
  });

  it('a schema file with CRLF validates the same data', async () => {
    const schema = tmp.write('iris.schema.json', readFileSync(SCHEMA, 'utf8').replace(/\n/g, '\r\n'));
    expect((await runCli(['validate', IRIS, '--schema', schema])).code).toBe(0);
  });
});

describe('the repository keeps LF in working trees', () => {
  it('.gitattributes pins eol=lf (model artifacts and CSVs are checksummed byte for byte), CRLF for .cmd/.ps1', () => {
    const attributes = readFileSync(join(REPO_ROOT, '.gitattributes'), 'utf8');
    expect(attributes).toMatch(/^\* text=auto eol=lf$/m);
    expect(attributes).toMatch(/^\*\.cmd text eol=crlf$/m);
    expect(attributes).toMatch(/^\*\.ps1 text eol=crlf$/m);
  });
});
