# The whole chain on the corpus dump, stages overlapping in the pipe
# (MB/s of dump, wall time), each stage alone on its input for comparison,
# and pipelines/dedupe-corpus with 1 and 2 workers.
. "$TOP/tests/bench/lib.sh"
n=$(size_of "$CORPUS_TXT")
P=$TOP/pipelines
export PATH="$BIN:$PATH"
# Each run writes a new archive, as a user's run on a new dump does: the
# archive of the run before is removed untimed, not replaced in the run.
BENCH_BEFORE="rm -f '$WORK/chain.jsonl.zst'"
bench "whole chain (telegram-archive)" "$n" \
    "'$P/telegram-archive' '$CORPUS_TXT' '$WORK/chain.jsonl.zst'"
BENCH_BEFORE=
chain=$BENCH_MBPS
verdict "whole chain MB/s of dump" "$chain" 150
# Each stage alone, on what it reads in the chain, to name the slowest.
split-posts "$CORPUS_TXT" >"$WORK/s1.jsonl"
normalise-unicode "$WORK/s1.jsonl" >"$WORK/s2.jsonl"
dedupe-paragraphs "$WORK/s2.jsonl" >"$WORK/s3.jsonl"
tag-extract "$WORK/s3.jsonl" >"$WORK/s4.jsonl"
for st in "split-posts:$CORPUS_TXT" "normalise-unicode:$WORK/s1.jsonl" \
    "dedupe-paragraphs:$WORK/s2.jsonl" "tag-extract:$WORK/s3.jsonl" \
    "compress-archive:$WORK/s4.jsonl"; do
	prog=${st%%:*}
	in=${st#*:}
	extra=
	[ "$prog" = compress-archive ] && extra="-o $WORK/stage.zst"
	best_seconds "$prog $extra '$in' >/dev/null" >"$WORK/best"
	s=$(cat "$WORK/best")
	printf '  stage %-40s %8ss on its input (%s MB/s of dump; cpu %ss)\n' \
	    "$prog" "$s" "$(mbps "$n" "$s")" "$BEST_CPU"
done
rm -f "$WORK"/s[1-4].jsonl "$WORK/stage.zst" "$WORK/chain.jsonl.zst"
# dedupe-corpus scaling: the dump cut into 8 dumps, 1 and 2 workers.
mkdir -p "$WORK/dumps"
rm -f "$WORK"/dumps/*.txt
awk -v dir="$WORK/dumps" '/^Forwarded from / { n++ } { print > (dir "/d" (int(n / 4000) % 8) ".txt") }' "$CORPUS_TXT"
for j in 1 2; do
	BENCH_BEFORE="rm -rf '$WORK/dc'"
	bench "dedupe-corpus -j $j -P $j (8 dumps)" "$n" \
	    "'$P/dedupe-corpus' -j $j -P $j '$WORK/dc' '$WORK'/dumps/d*.txt"
	eval "dc$j=\$BENCH_MBPS"
done
BENCH_BEFORE=
echo "  dedupe-corpus scaling, 2 workers / 1: $(ratio "$dc2" "$dc1")x"
rm -rf "$WORK/dc" "$WORK/dumps"
