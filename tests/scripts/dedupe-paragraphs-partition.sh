#!/bin/sh
# --partition K/N: the chain of partitions 0..N-1 (in any order) gives what
# one --scope stream run gives, byte for byte, with cut-short copies,
# --drop-empty and --key exact; the --explain lines of the chain are those
# of the one run; partitioned state files give the same incremental result.
set -u
P=$BIN/dedupe-paragraphs
GEN=$BUILD/tools/dedupe-gen
SIZE=4000000
[ "$CONFIG" = plain ] || SIZE=400000
t=$(mktemp -d "${TMPDIR:-/tmp}/ddpart.XXXXXX")
trap 'rm -rf "$t"' EXIT

"$GEN" corpus $SIZE 3 >"$t/a.jsonl"
"$GEN" repeats $((SIZE / 40)) 5 "$t/plain" >"$t/b.jsonl"
cat "$t/a.jsonl" "$t/b.jsonl" "$t/a.jsonl" >"$t/in.jsonl"

# chain N ORDER ARGS...: partitions in ORDER ("0 1 2 3"), one pipe
chain() {
	n=$1 order=$2
	shift 2
	cmd=
	for k in $order; do
		if [ -z "$cmd" ]; then
			cmd="\"\$P\" --scope stream --partition $k/$n $* \"\$t/in.jsonl\" 2>>\"\$t/explain.part\""
		else
			cmd="$cmd | \"\$P\" --scope stream --partition $k/$n $* 2>>\"\$t/explain.part\""
		fi
	done
	eval "$cmd"
}

for args in "--drop-empty" "--key exact --drop-empty" "--min-chars 40" ""; do
	# shellcheck disable=SC2086
	"$P" --scope stream --explain $args "$t/in.jsonl" >"$t/want" 2>"$t/explain.want"
	for spec in "1:0" "2:0 1" "2:1 0" "4:0 1 2 3" "4:3 1 0 2"; do
		n=${spec%%:*}
		order=${spec#*:}
		: >"$t/explain.part"
		# shellcheck disable=SC2086
		chain "$n" "$order" --explain $args >"$t/got"
		sort "$t/explain.part" >"$t/e1"
		sort "$t/explain.want" >"$t/e2"
		if cmp -s "$t/want" "$t/got" && cmp -s "$t/e1" "$t/e2"; then
			echo "ok dedupe-partition: N=$n order $order equals one stream run ($args)"
		else
			echo "not ok dedupe-partition: N=$n order $order differs from one stream run ($args)"
			cmp "$t/want" "$t/got"
		fi
	done
done
if grep -q truncated "$t/explain.want" && [ "$(grep -c truncated "$t/explain.want")" -gt 0 ]; then
	echo "ok dedupe-partition: the corpus has cut-short copies"
else
	echo "not ok dedupe-partition: the corpus has no cut-short copies"
fi
n1=$(wc -l <"$t/in.jsonl")
n2=$("$P" --scope stream --drop-empty "$t/in.jsonl" | wc -l)
if [ "$n2" -lt "$n1" ]; then
	echo "ok dedupe-partition: --drop-empty drops records ($n1 -> $n2)"
else
	echo "not ok dedupe-partition: --drop-empty drops nothing"
fi

# Read in odd-sized pieces through a pipe: the same bytes out.
"$P" --scope stream --drop-empty "$t/in.jsonl" >"$t/want"
dd if="$t/in.jsonl" bs=4093 2>/dev/null | cat |
    "$P" --scope stream --drop-empty >"$t/got"
if cmp -s "$t/want" "$t/got"; then
	echo "ok dedupe-partition: the result does not depend on how input arrives"
else
	echo "not ok dedupe-partition: input read in pieces gives another result"
fi

# Incremental partitioned runs with one state file a partition.
"$P" --scope stream "$t/in.jsonl" >"$t/want"
split -l 20000 "$t/in.jsonl" "$t/chunk."
: >"$t/got"
for c in "$t"/chunk.*; do
	"$P" --scope stream --partition 0/2 --state "$t/s0" "$c" |
	    "$P" --scope stream --partition 1/2 --state "$t/s1" >>"$t/got"
done
if cmp -s "$t/want" "$t/got"; then
	echo "ok dedupe-partition: incremental partitioned runs with states equal one run"
else
	echo "not ok dedupe-partition: incremental partitioned runs with states differ"
fi

# A partial record at an unpartitioned run, or a partition run twice.
"$P" --scope stream --partition 0/2 "$t/b.jsonl" >"$t/half"
"$P" --scope stream "$t/half" >/dev/null 2>"$t/err"
st1=$?
"$P" --scope stream --partition 0/2 "$t/half" >/dev/null 2>/dev/null
st2=$?
if [ $st1 -eq 65 ] && [ $st2 -eq 65 ] && grep -q dedupe_partial "$t/err"; then
	echo "ok dedupe-partition: half-done records refused where they do not belong"
else
	echo "not ok dedupe-partition: half-done records accepted ($st1, $st2)"
fi
