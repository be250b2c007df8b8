#!/bin/sh
# A counted fuzzing campaign: every reader of fuzz_readers.c, one after the
# other, for RUNS executions each (default 10^7), starting from the kept
# corpus (scripts/fuzz/corpus) and the dictionary; new interesting inputs
# go to a scratch corpus, merged back into the kept one at the end
# (-merge=1 keeps only inputs that add coverage). Prints one line per
# reader: executions, seconds, and the exit status (0: no crash, leak or
# timeout).
#   usage: sh scripts/fuzz/campaign.sh /tmp/fuzz_readers [RUNS] [READERS]
# (build the harness as fuzz_readers.c says; run from the source tree)
set -u
bin=$1
runs=${2:-10000000}
readers=${3:-"0 1 2 3 4 5 6"}
kept=scripts/fuzz/corpus
work=$(mktemp -d)
cp "$kept"/* "$work"/ 2>/dev/null || true
status=0
for r in $readers; do
  log=$work/log.$r
  VT_FUZZ_READER=$r "$bin" -dict=scripts/fuzz/readers.dict -runs="$runs" -rss_limit_mb=2048 -max_len=65536 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$work/crash-$r-" "$work" > "$log" 2>&1
  rc=$?
  [ $rc -ne 0 ] && status=1
  done_runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
  echo "reader $r: ${done_runs:-?} executions in ${secs:-?} s, exit $rc"
  [ $rc -ne 0 ] && grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -n 5
done
mkdir -p "$kept.new"
"$bin" -merge=1 -max_len=65536 "$kept.new" "$kept" "$work" > "$work/merge.log" 2>&1 && \
  rm -rf "$kept" && mv "$kept.new" "$kept"
echo "kept corpus: $(ls "$kept" | wc -l) inputs in $kept"
rm -rf "$work"
exit $status
