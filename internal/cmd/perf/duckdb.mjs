// The DuckDB side of compare.sh: the per-unit indicators palaute's perf
// program computes (recommendation index with adjusted Wald bounds; for
// each statement the agreement share with Wilson bounds, and the mean and
// standard deviation of answers 1-5), as one GROUP BY over the CSV file.
// Prints the query's wall time and a check figure (the overall index).
//
// Run from a directory where `npm install @duckdb/node-api` was done:
//   node duckdb.mjs FILE.csv [threads]
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2];
const threads = process.argv[3] ?? '2';
const statements = ['access', 'encounter', 'participation', 'safety', 'information', 'understandable', 'usefulness'];
const z = 1.959963984540054;

// In the file's column order: DuckDB matches these by position.
const types = {
  id: 'VARCHAR', submitted: 'TIMESTAMPTZ', instrument: 'VARCHAR', region: 'VARCHAR', provider: 'VARCHAR',
  unit: 'VARCHAR', service: 'VARCHAR', channel: 'VARCHAR', role: 'VARCHAR', lang: 'VARCHAR', recommend: 'INTEGER',
};
for (const s of statements) types[s] = 'INTEGER';
types.comment = 'VARCHAR';
types.served = 'VARCHAR';
const columns = '{' + Object.entries(types).map(([k, v]) => `'${k}': '${v}'`).join(', ') + '}';

const agg = [
  'count(recommend) AS n_r', 'count_if(recommend >= 9) AS p', 'count_if(recommend <= 6) AS d',
  ...statements.flatMap((s) => [
    `count_if(${s} BETWEEN 1 AND 5) AS n_${s}`, `count_if(${s} >= 4) AS a_${s}`,
    `avg(${s}) FILTER (WHERE ${s} BETWEEN 1 AND 5) AS m_${s}`, `stddev_samp(${s}) FILTER (WHERE ${s} BETWEEN 1 AND 5) AS sd_${s}`,
  ]),
].join(',\n  ');
const adj = `(p + 0.75) / (n_r + 3.0)`, adjd = `(d + 0.75) / (n_r + 3.0)`;
const derived = [
  'unit', `100.0 * (p - d) / n_r AS idx`,
  `100 * ((${adj} - ${adjd}) - ${z} * sqrt((${adj} + ${adjd} - (${adj} - ${adjd}) ^ 2) / (n_r + 3.0))) AS idx_low`,
  `100 * ((${adj} - ${adjd}) + ${z} * sqrt((${adj} + ${adjd} - (${adj} - ${adjd}) ^ 2) / (n_r + 3.0))) AS idx_high`,
  ...statements.flatMap((s) => [
    `a_${s} / n_${s} AS share_${s}`,
    `(a_${s} + ${z * z / 2}) / (n_${s} + ${z * z}) - ${z} / (n_${s} + ${z * z}) * sqrt(a_${s} * (n_${s} - a_${s}) / n_${s} + ${z * z / 4}) AS low_${s}`,
    `(a_${s} + ${z * z / 2}) / (n_${s} + ${z * z}) + ${z} / (n_${s} + ${z * z}) * sqrt(a_${s} * (n_${s} - a_${s}) / n_${s} + ${z * z / 4}) AS high_${s}`,
    `m_${s}`, `sd_${s}`,
  ]),
].join(',\n  ');
const sql = `WITH t AS (
SELECT unit,
  ${agg}
FROM read_csv('${file}', header = true, quote = '"', escape = '"', columns = ${columns})
GROUP BY unit)
SELECT ${derived}, p, d, n_r FROM t ORDER BY unit`;

const instance = await DuckDBInstance.create(':memory:', { threads });
const conn = await instance.connect();
const t0 = performance.now();
const result = await conn.runAndReadAll(sql);
const rows = result.getRowObjects();
const seconds = (performance.now() - t0) / 1000;
let P = 0, D = 0, N = 0;
for (const r of rows) { P += Number(r.p); D += Number(r.d); N += Number(r.n_r); }
console.log(`duckdb: ${rows.length} units, overall index ${(100 * (P - D) / N).toFixed(4)} (n ${N})`);
console.log(`wall ${seconds.toFixed(3)} s, threads ${threads}`);
