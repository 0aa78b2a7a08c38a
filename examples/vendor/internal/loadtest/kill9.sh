#!/usr/bin/env bash
# kill9.sh STORE PORT TAG: three kill -9 of the server under load (50
# connections, loopback), then verify that every acknowledged submission
# is stored exactly once and the export decodes. VENDOR and LOAD name the
# built examples/vendor and loadtest binaries.
set -u
store=$1; port=$2; tag=$3
files=()
for round in 1 2 3; do
  ${VENDOR:-./vendor} -addr 127.0.0.1:$port -store "$store" -no-rate-limit >> k.log 2>&1 &
  pid=$!
  sleep 0.7
  ${LOAD:-./load} -url http://127.0.0.1:$port -n 1000000 -c 50 -for 6s -run $tag$round -acked $tag$round.txt > $tag$round.out 2>&1 &
  lpid=$!
  sleep 2.5
  kill -9 $pid
  wait $lpid
  echo "round $round: $(cat $tag$round.out)"
  files+=($tag$round.txt)
done
${VENDOR:-./vendor} -store "$store" -export ndjson > /dev/null && echo "export after the kills decodes"
"$(dirname "$0")/verify.sh" "$store" "${files[@]}"
