#!/usr/bin/env node
'use strict';
// Writes the generated docs from the built code (npm run docs builds first).
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { generatedDocs } = require('../dist/docs/index.js');

for (const [path, content] of Object.entries(generatedDocs())) {
  const target = join(__dirname, '..', path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, content);
  console.log(`wrote ${path}`);
}
