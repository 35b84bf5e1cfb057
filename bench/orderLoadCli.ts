// Runs the order load benchmark alone and prints its rows and figures:
//   node --import tsx bench/orderLoadCli.ts [--rate 5000] [--seconds 60] [--warmup 3] [--workers N] [--no-crash] [--profile DIR]
// `npm run bench` runs the same through runOrderLoad().
import { orderLoadRows, runOrderLoad } from './orderLoad';

const args = process.argv.slice(2);
const value = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : undefined;
};

const result = await runOrderLoad({ ratePerSec: value('--rate'), seconds: value('--seconds'), crash: !args.includes('--no-crash'), sockets: value('--sockets'), warmupSeconds: value('--warmup'), httpWorkers: value('--workers'), profileDir: args.includes('--profile') ? args[args.indexOf('--profile') + 1] : undefined });
for (const row of orderLoadRows(result)) console.log(`${row.pass === null ? '—' : row.pass ? 'ok ' : 'NO '} ${row.figure}: ${row.measured}`);
console.log(JSON.stringify(result, null, 2));
