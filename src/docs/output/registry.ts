import { z } from 'zod';
import { STAGES } from '../../registry/types';

// The `--json` documents of `mlctl register` and `mlctl models …`: MLflow's entities, in MLflow's REST
// spelling (snake_case), as src/format/snake-case.ts prints them.

const stringMap = z.record(z.string(), z.string());

export const registryInfo = z
  .strictObject({
    kind: z.enum(['local', 'mlflow']),
    location: z.string().describe('The registry directory, or the tracking server URL (no credentials).'),
    server_version: z.string().optional().describe('MLflow’s version, or the local layout.'),
  })
  .describe('Which registry answered.');

export const modelVersion = z.strictObject({
  name: z.string(),
  version: z.string(),
  stage: z.enum(STAGES),
  source: z.string().describe('Where the files are, e.g. runs:/<run_id>/model.'),
  run_id: z.string().optional(),
  model_id: z.string().optional().describe('The MLflow 3 logged model the version was registered from.'),
  status: z.enum(['READY', 'PENDING_REGISTRATION', 'FAILED_REGISTRATION']),
  aliases: z.array(z.string()),
  tags: stringMap,
  description: z.string(),
  creation_timestamp: z.number().describe('Milliseconds since the epoch.'),
  last_updated_timestamp: z.number(),
});

const registeredModel = z.strictObject({
  name: z.string(),
  description: z.string(),
  tags: stringMap,
  aliases: stringMap.describe('Alias → version.'),
  latest_versions: z.array(modelVersion),
  creation_timestamp: z.number(),
  last_updated_timestamp: z.number(),
});

const dataset = z.strictObject({
  name: z.string(),
  digest: z.string().describe('At most 36 characters: the data sha256, cut to MLflow’s limit.'),
  source_type: z.string(),
  source: z.string().describe('JSON text, e.g. {"uri": "data/iris.csv"}.'),
  schema: z.string().optional().describe('JSON text: {"mlflow_colspec": [...]}.'),
  profile: z.string().optional().describe('JSON text, e.g. {"num_rows": 150}.'),
});

const loggedModel = z
  .strictObject({
    model_id: z.string(),
    experiment_id: z.string(),
    name: z.string(),
    source_run_id: z.string().optional(),
    status: z.enum(['PENDING', 'READY', 'FAILED']),
    artifact_location: z.string(),
    params: stringMap,
    tags: stringMap,
    metrics: z.array(
      z.strictObject({
        key: z.string(),
        value: z.number(),
        step: z.number(),
        timestamp: z.number(),
        run_id: z.string().optional(),
        dataset_name: z.string().optional(),
        dataset_digest: z.string().optional(),
      }),
    ),
    creation_timestamp: z.number(),
    last_updated_timestamp: z.number(),
  })
  .describe('MLflow 3’s LoggedModel the version was registered from.');

const run = z.strictObject({
  run_id: z.string(),
  experiment_id: z.string(),
  run_name: z.string(),
  status: z.enum(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED']),
  start_time: z.number(),
  end_time: z.number().optional(),
  artifact_uri: z.string(),
  params: stringMap,
  metrics: z.record(z.string(), z.number()),
  tags: stringMap,
  inputs: z
    .strictObject({ dataset_inputs: z.array(z.strictObject({ dataset, tags: stringMap })) })
    .optional()
    .describe('The datasets the run read; the tag mlflow.data.context says what for (training, eval).'),
  outputs: z
    .strictObject({ model_outputs: z.array(z.strictObject({ model_id: z.string(), step: z.number() })) })
    .optional()
    .describe('The logged models the run made.'),
});

export const registerOutput = z
  .strictObject({
    name: z.string(),
    version: z.string(),
    model_uri: z.string().describe('models:/<name>/<version>'),
    run_id: z.string(),
    experiment_id: z.string(),
    experiment: z.string(),
    source: z.string(),
    aliases: z.array(z.string()),
    stage: z.enum(STAGES),
    metrics: z.record(z.string(), z.number()),
    logged_model_id: z.string().optional().describe('The MLflow 3 logged model (absent on MLflow 2).'),
    registry: registryInfo,
  })
  .describe('The new model version and the run that registered it.');

export const modelsListOutput = z.union([
  z.strictObject({ registry: registryInfo, models: z.array(registeredModel) }),
  z.strictObject({ registry: registryInfo, model: registeredModel, versions: z.array(modelVersion) }),
]);

export const modelsShowOutput = z.strictObject({
  registry: registryInfo,
  requested: z.string().describe('The URI as given.'),
  uri: z.string().describe('The version it resolved to: models:/<name>/<version>.'),
  version: modelVersion,
  run: run.optional().describe('The run that produced it, when it still exists.'),
  logged_model: loggedModel.optional(),
});

export const modelsAliasOutput = z.strictObject({
  name: z.string(),
  alias: z.string(),
  version: z.string().optional().describe('Where the alias points now; absent after --delete.'),
  previous: z.string().optional().describe('Where it pointed before; absent when it is new.'),
});

export const modelsStageOutput = z.strictObject({
  version: modelVersion,
  previous_stage: z.enum(STAGES),
  archived: z.array(z.string()).describe('Versions moved to Archived by --archive-existing.'),
});

export const modelsDownloadOutput = z.strictObject({
  requested: z.string(),
  uri: z.string(),
  version: modelVersion,
  dir: z.string(),
  cached: z.boolean().describe('True when a verified copy was already in the cache.'),
});
