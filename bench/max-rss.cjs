// Preloaded into a benchmarked process (NODE_OPTIONS=--require): at exit, writes its peak resident set size (KiB,
// from the kernel's own accounting) to BENCH_RSS_FILE, and with BENCH_MEMORY_FILE the peaks of V8's heap, external
// memory and array buffers (sampled every 50 ms) as JSON, in MiB.
const { writeFileSync } = require('node:fs');

const peaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
if (process.env.BENCH_MEMORY_FILE) {
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peaks)) peaks[k] = Math.max(peaks[k], m[k]);
  };
  setInterval(sample, 50).unref();
}

process.on('exit', () => {
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  if (process.env.BENCH_MEMORY_FILE)
    writeFileSync(
      process.env.BENCH_MEMORY_FILE,
      JSON.stringify(Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1048576)]))),
    );
});
