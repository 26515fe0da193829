import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { MlctlError } from '../errors';
import { listFiles } from '../artifact/checksums';
import type { MlflowClient } from './mlflow-client';

/**
 * Artifacts through the tracking server's artifact proxy (`mlflow server --serve-artifacts`, the
 * default): `mlflow-artifacts:/<path>` is `/api/2.0/mlflow-artifacts/artifacts/<path>` on the server.
 */
export function proxyPath(artifactUri: string): string {
  const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/*(.*)$/.exec(artifactUri);
  if (!m) {
    throw new MlctlError(
      'REGISTRY_ERROR',
      `mlctl moves artifacts through MLflow's artifact proxy, but the location is ${artifactUri}`,
      {
        hint: 'Run the server with --serve-artifacts (the default) and --artifacts-destination, so runs store artifacts under mlflow-artifacts:/.',
      },
    );
  }
  return (m[1] as string).replace(/\/+$/, '');
}

function encodePath(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '')
    .map(encodeURIComponent)
    .join('/');
}

function assertSafe(segment: string, where: string): void {
  if (segment === '' || segment === '.' || segment === '..' || /[\\/]/.test(segment)) {
    throw new MlctlError(
      'REGISTRY_ERROR',
      `the artifact listing of ${where} holds an unsafe name: '${segment}'`,
    );
  }
}

/** Uploads every file of `localDir` to `<artifactUri>/<artifactPath>/…` (`''`: to the root); returns that URI. */
export async function uploadDirectory(
  client: MlflowClient,
  artifactUri: string,
  localDir: string,
  artifactPath: string,
): Promise<string> {
  const base = artifactPath === '' ? proxyPath(artifactUri) : `${proxyPath(artifactUri)}/${artifactPath}`;
  for (const file of await listFiles(localDir)) {
    await client.putFile(
      `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${base}/${file}`)}`,
      join(localDir, file),
    );
  }
  const root = artifactUri.replace(/\/+$/, '');
  return artifactPath === '' ? root : `${root}/${artifactPath}`;
}

interface Listing {
  files?: Array<{ path: string; is_dir?: boolean; file_size?: number }>;
}

/** Downloads every file under `artifactUri` into `destDir`, keeping the directory structure. */
export async function downloadDirectory(
  client: MlflowClient,
  artifactUri: string,
  destDir: string,
): Promise<void> {
  const root = proxyPath(artifactUri);
  let count = 0;
  const walk = async (rel: string): Promise<void> => {
    const path = rel === '' ? root : `${root}/${rel}`;
    const listing = await client.call<Listing>('GET', '/mlflow-artifacts/artifacts', { query: { path } });
    for (const entry of listing.files ?? []) {
      // The proxy lists names relative to the listed directory.
      const name = entry.path.split('/').pop() ?? '';
      assertSafe(name, artifactUri);
      const child = rel === '' ? name : `${rel}/${name}`;
      if (entry.is_dir) {
        await walk(child);
        continue;
      }
      await mkdir(join(destDir, child, '..'), { recursive: true });
      await client.getFile(
        `/api/2.0/mlflow-artifacts/artifacts/${encodePath(`${root}/${child}`)}`,
        join(destDir, child),
      );
      count += 1;
    }
  };
  await walk('');
  if (count === 0) {
    throw new MlctlError('ARTIFACT_INVALID', `no artifact files at ${artifactUri}`, {
      hint: 'The model version points at an empty location: its upload failed or the files were deleted. Register the model again.',
    });
  }
}
