#!/usr/bin/env node
import { createProcessIO } from './io.js';
import { main } from './main.js';

const io = createProcessIO();
const status = await main(process.argv.slice(2), io);
// Let pending writes to a pipe drain instead of calling process.exit().
process.exitCode = status;
