// Summarises a V8 heap snapshot (node --heapsnapshot-signal, or BENCH_HEAP_SNAPSHOT=n in bench/process): live
// memory by kind of object, biggest first. Usage: node bench/heap-summary.mjs Heap.….heapsnapshot [rows]
import { readFileSync } from 'node:fs';

const [file, rows = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/heap-summary.mjs <file.heapsnapshot> [rows]');
  process.exit(2);
}
const snapshot = JSON.parse(readFileSync(file, 'utf8'));
const {
  node_fields: fields,
  node_types: [types],
} = snapshot.snapshot.meta;
const { nodes, strings } = snapshot;
const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
const plain = new Set([
  'string',
  'concatenated string',
  'sliced string',
  'code',
  'hidden',
  'number',
  'array',
]);
const bytes = new Map();
const counts = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += fields.length) {
  const kind = types[nodes[i + type]];
  const key = plain.has(kind) ? kind : `${kind}: ${strings[nodes[i + name]].slice(0, 60)}`;
  bytes.set(key, (bytes.get(key) ?? 0) + nodes[i + size]);
  counts.set(key, (counts.get(key) ?? 0) + 1);
  total += nodes[i + size];
}
const mib = (n) => (n / 1048576).toFixed(1);
console.log(
  `| live objects | count | MiB |\n|---|---|---|\n| all | ${nodes.length / fields.length} | ${mib(total)} |`,
);
for (const [key, n] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, Number(rows)))
  console.log(`| ${key.replace(/\|/g, '\\|')} | ${counts.get(key)} | ${mib(n)} |`);
