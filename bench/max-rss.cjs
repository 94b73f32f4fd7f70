// Preloaded into a benchmarked process (NODE_OPTIONS=--require): at exit, writes its peak resident set size (KiB,
// from the kernel's own accounting) to BENCH_RSS_FILE, and with BENCH_MEMORY_FILE the peaks of V8's heap, external
// memory and array buffers (sampled every 50 ms) as JSON, in MiB.
const { writeFileSync } = require('node:fs');

// BENCH_TRACE_GC: V8 prints each collection (heap before → after), which NODE_OPTIONS may not ask for.
if (process.env.BENCH_TRACE_GC) require('node:v8').setFlagsFromString('--trace-gc');

const peaks = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
if (process.env.BENCH_MEMORY_FILE) {
  const sample = () => {
    const m = process.memoryUsage();
    for (const k of Object.keys(peaks)) peaks[k] = Math.max(peaks[k], m[k]);
  };
  setInterval(sample, 50).unref();
}

// BENCH_TIMELINE_FILE: every 100 ms, `ms rss heapTotal heapUsed external arrayBuffers` (MiB), to see which phase of the scan the peak belongs to.
const timeline = [];
if (process.env.BENCH_TIMELINE_FILE) {
  const t0 = Date.now();
  timeline.push(`start ${t0}`);
  setInterval(() => {
    const m = process.memoryUsage();
    const mib = (n) => Math.round(n / 1048576);
    timeline.push(
      `${Date.now() - t0} ${mib(m.rss)} ${mib(m.heapTotal)} ${mib(m.heapUsed)} ${mib(m.external)} ${mib(m.arrayBuffers)}`,
    );
  }, 100).unref();
}

process.on('exit', () => {
  if (process.env.BENCH_TIMELINE_FILE)
    writeFileSync(process.env.BENCH_TIMELINE_FILE, `${timeline.join('\n')}\n`);
  if (process.env.BENCH_RSS_FILE)
    writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
  if (process.env.BENCH_MEMORY_FILE)
    writeFileSync(
      process.env.BENCH_MEMORY_FILE,
      JSON.stringify(Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 1048576)]))),
    );
});
