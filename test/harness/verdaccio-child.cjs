// Child process started by test/harness/verdaccio.ts: runs Verdaccio from
// its node API on 127.0.0.1 with a port the kernel picks, then sends that
// port to the parent over IPC. Verdaccio's own CLI cannot report a port 0
// binding, so this small bootstrap replaces it.
'use strict';

const { runServer } = require('verdaccio');

const configPath = process.argv[2];

async function main() {
  const server = await runServer(configPath);
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send({ type: 'listening', port: address.port });
  });
  server.on('error', (error) => {
    process.send({ type: 'error', message: String(error && error.message) });
    process.exit(1);
  });
}

// The parent going away (test runner killed, crash) must not leave Verdaccio behind.
process.on('disconnect', () => process.exit(0));

main().catch((error) => {
  process.send({ type: 'error', message: String(error && error.stack) });
  process.exit(1);
});
