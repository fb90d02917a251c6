// Preloaded into a measured node process (`node --require bench/lib/rss-probe.cjs …`):
// at exit it writes the process's peak resident set size, in KiB, to the file named by
// DR_BENCH_RSS_FILE. Nothing else changes in the measured process.
const { writeFileSync } = require('node:fs');
const file = process.env.DR_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
