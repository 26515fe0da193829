'use strict';
// Tasks measured by validate.bench.js, each in its own process.
const { createReadStream } = require('node:fs');
const { parse } = require('csv-parse');

module.exports = {
  /** The baseline: csv-parse reading every record, doing nothing with it. */
  async bareParse({ file }) {
    let rows = 0;
    const parser = createReadStream(file).pipe(parse({ bom: true }));
    for await (const _ of parser) rows++;
    return { rows };
  },
  /** mlctl's validation of the same file against the iris schema. */
  async validate({ file, schema }) {
    const { validateCsvFile } = require('../dist/data/validate.js');
    const { readDatasetSchema } = require('../dist/data/schema.js');
    const report = await validateCsvFile(file, await readDatasetSchema(schema), { maxSamples: 5 });
    return { rows: report.rows, valid: report.valid };
  },
};
