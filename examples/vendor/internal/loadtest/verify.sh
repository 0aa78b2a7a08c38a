#!/usr/bin/env bash
# verify.sh STORE ACKED...: (VENDOR names the built examples/vendor binary) every acknowledged marker stored exactly once; the export decodes.
set -euo pipefail
store=$1; shift
${VENDOR:-./vendor} -store "$store" -export ndjson > ${TMPDIR:-/tmp}/export.ndjson
lines=$(wc -l < ${TMPDIR:-/tmp}/export.ndjson)
grep -o '"comment":"load [a-z0-9]* n[0-9]*"' ${TMPDIR:-/tmp}/export.ndjson | sed 's/"comment":"//; s/"$//' | sort > ${TMPDIR:-/tmp}/stored.txt
dups=$(uniq -d ${TMPDIR:-/tmp}/stored.txt | wc -l)
cat "$@" | sort > ${TMPDIR:-/tmp}/acked.txt
missing=$(comm -23 ${TMPDIR:-/tmp}/acked.txt <(uniq ${TMPDIR:-/tmp}/stored.txt) | wc -l)
extra=$(comm -13 ${TMPDIR:-/tmp}/acked.txt <(uniq ${TMPDIR:-/tmp}/stored.txt) | wc -l)
echo "export: $lines responses; acknowledged $(wc -l < ${TMPDIR:-/tmp}/acked.txt); acknowledged but missing $missing; stored more than once $dups; stored without acknowledgement (in flight at the kill) $extra"
