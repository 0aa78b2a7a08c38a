// Package internal holds palaute's machinery that is not public API, and
// the project's own commands. Callers cannot import it; everything they
// need is in catalogue, survey, scoring, report and i18n.
//
//   - csvscan: the bounded RFC 4180 scanner with line numbers and recovery,
//     and the fast record splitter held to it by a fuzz test;
//   - enum: text forms of the small enumerations (channels, roles, …);
//   - siphash: SipHash-2-4, for record and cell keys and ID fingerprints;
//   - synth: deterministic synthetic feedback for demos, tests and
//     benchmarks;
//   - cmd/synthcsv: writes synthetic feedback as canonical CSV;
//   - cmd/perf: measures the end-to-end path on a CSV file, and
//     compare.sh runs it beside DuckDB.
package internal
