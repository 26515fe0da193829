import { boolean, text } from '../fields';
import { defineSettings } from '../settings';

export const initSettings = defineSettings('init', '`mlctl init`', {
  dir: {
    field: text(),
    positional: true,
    default: '.',
    describe: 'Directory to scaffold the service repository in (created when missing).',
  },
  force: {
    field: boolean(),
    default: false,
    describe: 'Overwrite files that already exist (without it, init refuses and lists them).',
  },
  modelName: {
    field: text(),
    placeholder: 'name',
    env: 'MLFLOW_MODEL_NAME',
    default: 'iris',
    describe: 'Registered model name that the workflows, Helm values and README use.',
  },
  serviceName: {
    field: text(),
    placeholder: 'name',
    describe: 'Package and README name of the service (default: the directory name).',
  },
  image: {
    field: text(),
    placeholder: 'repository',
    default: 'mlctl',
    describe: 'Repository of the mlctl container image that the Helm values run (tag: this mlctl version).',
  },
  mlctlPackage: {
    field: text(),
    placeholder: 'spec',
    describe:
      'npm spec of the mlctl dependency in the generated package.json (default: the mlctl running init — ^<version> when it came from a registry, else its tarball or directory as a file: path; a git URL or a tarball from `npm pack` works too).',
  },
});
