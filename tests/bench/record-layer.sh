# The record layer: read every record, validate it, write it back unchanged
# (build/tools/recpass, what every filter does for the fields it does not
# own), beside jq -c . and a plain pipe.
. "$TOP/tests/bench/lib.sh"
n=$(size_of "$CORPUS_JSONL")
bench "cat (a pipe)" "$n" "cat '$CORPUS_JSONL' | cat >/dev/null"
cat_mbps=$BENCH_MBPS
bench "record layer (recpass)" "$n" "'$TOOLS/recpass' '$CORPUS_JSONL' >/dev/null"
ours=$BENCH_MBPS
bench "jq -c ." "$n" "jq -c . '$CORPUS_JSONL' >/dev/null"
jq=$BENCH_MBPS
echo "  ratio record layer / jq -c .: $(ratio "$ours" "$jq")x; / cat: $(ratio "$ours" "$cat_mbps")x"
verdict "record layer MB/s" "$ours" 400
verdict "record layer / jq -c ." "$(ratio "$ours" "$jq")" 5
