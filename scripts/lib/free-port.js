'use strict';
// Shared by the plain-JavaScript tools (bench/, test/e2e/): a TCP port free on 127.0.0.1.
const { createServer } = require('node:net');

/** A TCP port free on 127.0.0.1 at the moment of asking. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

module.exports = { freePort };
