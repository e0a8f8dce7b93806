#!/bin/sh
# --state FILE: a round trip keeps the file byte for byte; incremental runs
# equal one run over the concatenation (output and state); a state file cut
# at any byte, or with any byte changed, is refused with exit 65 and left
# as it was; a failed run does not touch it.
set -u
P=$BIN/dedupe-paragraphs
GEN=$BUILD/tools/dedupe-gen
t=$(mktemp -d "${TMPDIR:-/tmp}/ddstate.XXXXXX")
trap 'rm -rf "$t"' EXIT

"$GEN" corpus 3000000 11 >"$t/in.jsonl"
"$P" --scope stream --drop-empty --state "$t/one" "$t/in.jsonl" >"$t/want"
split -l 3000 "$t/in.jsonl" "$t/part."
: >"$t/got"
for f in "$t"/part.*; do
	"$P" --scope stream --drop-empty --state "$t/inc" "$f" >>"$t/got"
done
if cmp -s "$t/want" "$t/got" && cmp -s "$t/one" "$t/inc"; then
	echo "ok dedupe-state: incremental runs equal one run (output and state)"
else
	echo "not ok dedupe-state: incremental runs differ from one run"
fi

cp "$t/one" "$t/copy"
"$P" --scope stream --state "$t/copy" </dev/null
if cmp -s "$t/one" "$t/copy"; then
	echo "ok dedupe-state: load and save keep the state byte for byte"
else
	echo "not ok dedupe-state: a round trip changed the state"
fi

# Everything of a second pass is known: only records with no text left.
"$P" --scope stream --state "$t/one" --state-readonly "$t/in.jsonl" |
    jq -r 'select(.text != "") | .text' | grep -c . >"$t/n"
if [ "$(cat "$t/n")" -eq 0 ] && cmp -s "$t/one" "$t/copy"; then
	echo "ok dedupe-state: a loaded state removes every paragraph seen; --state-readonly writes nothing"
else
	echo "not ok dedupe-state: $(cat "$t/n") paragraphs survived a second pass"
fi

# A small state, cut at every byte and changed at every byte.
printf '{"id":1,"text":"one\\ntwo\\nthree\\nfour"}\n' >"$t/small.jsonl"
"$P" --scope stream --state "$t/small" "$t/small.jsonl" >/dev/null
size=$(wc -c <"$t/small")
bad=0
i=0
while [ "$i" -lt "$size" ]; do
	head -c "$i" "$t/small" >"$t/cut"
	cp "$t/cut" "$t/cut.orig"
	"$P" --scope stream --state "$t/cut" "$t/small.jsonl" >/dev/null 2>"$t/err"
	st=$?
	if [ $st -ne 65 ] || ! cmp -s "$t/cut" "$t/cut.orig" ||
	    ! grep -q "state '.*': " "$t/err"; then
		bad=$((bad + 1))
		echo "# cut at $i: exit $st: $(cat "$t/err")"
	fi
	i=$((i + 1))
done
if [ $bad -eq 0 ]; then
	echo "ok dedupe-state: cut at each of $size bytes: exit 65, file untouched"
else
	echo "not ok dedupe-state: $bad cuts not refused"
fi
(cat "$t/small"; printf x) >"$t/long"
"$P" --scope stream --state "$t/long" "$t/small.jsonl" >/dev/null 2>&1
st=$?
bad=0
i=0
while [ "$i" -lt "$size" ]; do
	# xor one byte with 0x01 (0x02 where that changes nothing checked)
	od -An -v -tu1 "$t/small" | tr -s ' ' '\n' | grep . |
	    LC_ALL=C awk -v at="$i" 'NR - 1 == at { $0 = ($0 % 2) ? $0 - 1 : $0 + 1 }
		{ printf "%c", $0 + 0 }' >"$t/flip"
	"$P" --scope stream --state "$t/flip" "$t/small.jsonl" >/dev/null 2>"$t/err"
	s=$?
	if [ $s -ne 65 ]; then
		bad=$((bad + 1))
		echo "# byte $i changed: exit $s: $(cat "$t/err")"
	fi
	i=$((i + 1))
done
if [ $st -eq 65 ] && [ $bad -eq 0 ]; then
	echo "ok dedupe-state: a trailing byte or any changed byte: exit 65"
else
	echo "not ok dedupe-state: $bad changed bytes accepted (trailing: exit $st)"
fi
