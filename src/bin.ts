// The only place that reads process.argv and calls process.exit.
import { processIO } from './cli/io.js';
import { run } from './cli/program.js';

const code = await run(process.argv.slice(2), processIO());
process.exitCode = code;
