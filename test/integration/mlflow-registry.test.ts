import { request } from 'undici';
import { proxyPath } from '../../src/registry/mlflow-artifacts';
import { registryContract } from '../helpers/registry-contract';
import { MLFLOW_URI, describeWithMlflow, openMlflow } from '../helpers/mlflow-env';

jest.setTimeout(120_000);

describeWithMlflow(
  'MlflowRegistry passes the registry contract against a real MLflow server',
  MLFLOW_URI,
  'MLCTL_TEST_MLFLOW_URI',
  () => {
    const uri = MLFLOW_URI as string;
    registryContract(() => ({
      // A page size of 2 makes every listing of 3+ versions walk MLflow's next_page_token.
      open: async () => openMlflow(uri, {}, 2),
      async tamper(registry, version, file, content) {
        // Overwrite the stored file through the artifact proxy, as anyone with write access could.
        const { artifact_location } = await registry.getLoggedModel(version.model_id as string);
        const res = await request(
          `${uri}/api/2.0/mlflow-artifacts/artifacts/${proxyPath(artifact_location)}/${file}`,
          {
            method: 'PUT',
            body: content,
          },
        );
        await res.body.dump();
        expect(res.statusCode).toBe(200);
      },
    }));
  },
);
