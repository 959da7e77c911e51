// The only place that reads process.argv and calls process.exit.
import { exitCodeAfterOutput, processIO } from './cli/io.js';
import { run } from './cli/program.js';

const code = await run(process.argv.slice(2), processIO());
process.exitCode = exitCodeAfterOutput(code);
// A write error is reported after the write (next tick): the last writes' errors arrive after run returns.
process.on('exit', () => {
  process.exitCode = exitCodeAfterOutput(code);
});
