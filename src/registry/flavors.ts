import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { MlctlError } from '../errors';
import { listFiles } from '../artifact/checksums';

/**
 * The flavors a downloaded model's MLmodel names, sorted; undefined without an MLmodel file. A file
 * that is not a YAML mapping names none.
 */
export async function readFlavors(dir: string): Promise<string[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, 'MLmodel'), 'utf8');
  } catch {
    return undefined;
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return [];
  }
  const flavors = (doc as { flavors?: unknown } | null)?.flavors;
  return typeof flavors === 'object' && flavors !== null ? Object.keys(flavors).sort() : [];
}

export async function hasFile(dir: string, file: string): Promise<boolean> {
  return access(join(dir, file)).then(
    () => true,
    () => false,
  );
}

/**
 * A registry version mlctl did not write (scikit-learn's MLflow flavor, say): a usage error naming what
 * it is, not a checksum failure.
 */
export async function foreignModel(
  uri: string,
  dir: string,
  flavors: string[] | undefined,
): Promise<MlctlError> {
  const hint = `Serve it with MLflow (\`mlflow models serve -m ${uri}\`); for mlctl, train the model with \`mlctl train\` and \`mlctl register\` it.`;
  if (flavors === undefined) {
    const files = (await listFiles(dir)).slice(0, 10).join(', ');
    return new MlctlError(
      'MODEL_UNSUPPORTED',
      `${uri} is not an MLflow model (no MLmodel file; its files: ${files || 'none'}); mlctl serves models that mlctl trained`,
      { hint },
    );
  }
  const kind = flavors.find((f) => f !== 'python_function') ?? flavors[0];
  const what =
    kind === undefined ? 'a model without flavors' : `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind} model`;
  return new MlctlError(
    'MODEL_UNSUPPORTED',
    `${uri} is ${what} (flavors: ${flavors.join(', ') || 'none'}); mlctl serves models that mlctl trained`,
    { hint },
  );
}
