// Validates the custom resources in rendered manifests (files, or stdin) against their CRDs' OpenAPI
// schemas, as packaged by @kubernetes-models (kubernetes-validate knows only built-in kinds, which it
// checks). Exit 1 when an object fails or a custom kind has no schema here.
//   helm template … | node scripts/ci/crd-validator/validate.mjs
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { ExternalSecret } from '@kubernetes-models/external-secrets/external-secrets.io/v1';

const models = {
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'external-secrets.io/v1/ExternalSecret': ExternalSecret,
};
// Built-in API groups: left to kubernetes-validate.
const builtIn = (apiVersion) =>
  !apiVersion.includes('/') || /^[a-z.]*k8s\.io\/|^(apps|batch|policy|autoscaling)\//.test(apiVersion);

const sources = process.argv.length > 2 ? process.argv.slice(2) : ['/dev/stdin'];
let checked = 0;
let failed = 0;
for (const source of sources) {
  for (const doc of parseAllDocuments(readFileSync(source, 'utf8'))) {
    if (doc.errors.length > 0) {
      console.error(`${source}: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const object = doc.toJS();
    if (object === null || builtIn(object.apiVersion ?? '')) continue;
    const id = `${object.apiVersion}/${object.kind}`;
    const name = `${source}: ${object.kind} ${object.metadata?.name}`;
    const Model = models[id];
    if (Model === undefined) {
      console.error(`${name}: no schema for ${id} here`);
      failed++;
      continue;
    }
    try {
      new Model(object).validate();
      checked++;
      console.log(`${name}: valid`);
    } catch (error) {
      console.error(`${name}: ${error.message}`);
      failed++;
    }
  }
}
console.log(`${checked} custom resources valid, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
