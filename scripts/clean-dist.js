#!/usr/bin/env node
'use strict';
// `npm pack`/`npm publish` (prepack): dist/ is rebuilt from nothing, so a file compiled from a source that
// was since renamed or deleted never ships in the package.
const { rmSync } = require('node:fs');
const { join } = require('node:path');

rmSync(join(__dirname, '..', 'dist'), { recursive: true, force: true });
