#!/usr/bin/env bash
# Measures palaute and DuckDB side by side on the same CSV file and prints
# medians and their ratio. palaute is measured as users run it: the
# command examples/indicators -by unit -format csv, duplicate-ID check on
# (wall time and peak RSS from GNU time); the perf program's CPU time per
# row is printed beside it. Not run by CI: it needs minutes, about 1.5 GB
# of disk and (optionally) DuckDB from npm.
#
#   bash internal/cmd/perf/compare.sh            # 10 M rows, 5 runs each
#   RUNS=7 FILE=/tmp/x.csv ROWS=1000000 bash internal/cmd/perf/compare.sh
#
# DuckDB is installed with npm into $DUCKDIR on first use (the optional
# step: npm install @duckdb/node-api); without node/npm only palaute runs.
set -euo pipefail
cd "$(dirname "$0")/../../.."
FILE=${FILE:-/tmp/palaute-feedback-10m.csv}
ROWS=${ROWS:-10000000}
RUNS=${RUNS:-5}
THREADS=${THREADS:-2}
DUCKDIR=${DUCKDIR:-/tmp/palaute-duckdb}

if [ ! -s "$FILE" ]; then
  echo "generating $ROWS rows into $FILE"
  go run ./internal/cmd/synthcsv -n "$ROWS" -units 600 -seed 1 > "$FILE"
fi
go build -o /tmp/palaute-perf ./internal/cmd/perf
go build -o /tmp/palaute-indicators ./examples/indicators
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)"; exit 1; }
head -c 32 /dev/urandom > /tmp/palaute-secret

duck=""
if command -v node >/dev/null && command -v npm >/dev/null; then
  if [ ! -d "$DUCKDIR/node_modules/@duckdb/node-api" ]; then
    mkdir -p "$DUCKDIR"
    (cd "$DUCKDIR" && npm init -y >/dev/null && npm install @duckdb/node-api >/dev/null)
  fi
  cp internal/cmd/perf/duckdb.mjs "$DUCKDIR/"
  duck="$DUCKDIR/duckdb.mjs"
fi

cat "$FILE" > /dev/null # into the page cache
echo "file: $FILE ($(du -h "$FILE" | cut -f1)), $(nproc) cores, $RUNS runs each, interleaved"
p_times=(); d_times=(); rss=()
for i in $(seq "$RUNS"); do
  out=$( { /usr/bin/time -f 'wall %e s, peak RSS %M KB' /tmp/palaute-indicators -by unit -format csv \
      -secret-file /tmp/palaute-secret -out /dev/null "$FILE" >/dev/null; } 2>&1 | tail -1)
  t=$(echo "$out" | sed -n 's/^wall \([0-9.]*\) s.*/\1/p'); p_times+=("$t")
  rss+=("$(echo "$out" | sed -n 's/.*peak RSS \([0-9]*\) KB/\1/p')")
  echo "palaute run $i: indicators -by unit -format csv: $out"
  if [ "$i" = 1 ]; then
    echo "  perf program: $(/tmp/palaute-perf -workers "$THREADS" "$FILE" | sed -n '2p;3p' | tr '\n' ' ')"
  fi
  if [ -n "$duck" ]; then
    out=$(node "$duck" "$FILE" "$THREADS")
    t=$(echo "$out" | sed -n 's/^wall \([0-9.]*\) s.*/\1/p'); d_times+=("$t")
    echo "duckdb  run $i: $(echo "$out" | tail -1)"
    [ "$i" = 1 ] && echo "  $(echo "$out" | head -1)"
  fi
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
pm=$(median "${p_times[@]}")
echo "palaute median wall: $pm s, median peak RSS $(median "${rss[@]}" | awk '{printf "%.0f", $1/1024}') MB"
if [ -n "$duck" ]; then
  dm=$(median "${d_times[@]}")
  echo "duckdb  median wall: $dm s"
  awk -v p="$pm" -v d="$dm" 'BEGIN {printf "ratio duckdb/palaute: %.2f\n", d/p}'
fi
