import { encodeId } from '../src/api/loop-v1/ids.js';
import { answerParent, sendToParent, startBenchApp } from './bench-app.js';
import { sqlTimesReport, timeSqlStatements } from './sql-times.js';

/* The app under test for bench/run.ts (Loop Contact and ContactEvent), in its own process. */
const sqlTimes = process.env.BENCH_SQL_TIMES === '1';
if (sqlTimes) timeSqlStatements();

const { app, database, location, loopToken, port } = await startBenchApp();
answerParent(app, database, ['guests', 'guest_keys', 'stays', 'journey_events'], () => {
  if (sqlTimes) process.stderr.write(`${sqlTimesReport()}\n`);
});
sendToParent({ type: 'ready', port, loopToken, locationId: encodeId('location', location.id) });
