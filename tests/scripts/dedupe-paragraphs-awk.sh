#!/bin/sh
# dedupe-paragraphs against awk '!seen[$0]++': with --key exact --scope
# stream the paragraphs kept, in order, are the lines awk keeps, on about
# 1.5 million generated paragraphs of which about half are repeats.  Then
# no false removals: 1.5 million distinct paragraphs, folded and exact,
# record and stream scope, all kept.
set -u
P=$BIN/dedupe-paragraphs
GEN=$BUILD/tools/dedupe-gen
N=1500000
if [ "$CONFIG" != plain ]; then
	N=100000
fi
t=$(mktemp -d "${TMPDIR:-/tmp}/ddawk.XXXXXX")
trap 'rm -rf "$t"' EXIT

"$GEN" repeats $N 7 "$t/plain" >"$t/in.jsonl" || echo "not ok dedupe-awk: generator failed"
awk '!seen[$0]++' "$t/plain" >"$t/want"
"$P" --key exact --scope stream --drop-empty "$t/in.jsonl" >"$t/out.jsonl"
st=$?
jq -r .text "$t/out.jsonl" >"$t/got"
rep=$(($(wc -l <"$t/plain") - $(wc -l <"$t/want")))
if [ $st -eq 0 ] && cmp -s "$t/want" "$t/got" && [ "$rep" -gt $((N / 4)) ]; then
	echo "ok dedupe-awk: --key exact --scope stream keeps what awk keeps ($N paragraphs, $rep repeats)"
else
	echo "not ok dedupe-awk: --key exact --scope stream differs from awk (exit $st)"
	diff "$t/want" "$t/got" | head -5
fi

# Folded: "Variant #k" and "variant #k" are one paragraph, so folded
# removes at least what exact removes.
"$P" --scope stream --drop-empty "$t/in.jsonl" | jq -r .text >"$t/folded"
if [ "$(wc -l <"$t/folded")" -lt "$(wc -l <"$t/got")" ] &&
    [ "$(awk '{ k = tolower($0); gsub(/[^a-z0-9]/, "", k) } !seen[k]++' "$t/plain" | wc -l)" -eq "$(wc -l <"$t/folded")" ]; then
	echo "ok dedupe-awk: --key folded keeps what a lower-cased awk key keeps"
else
	echo "not ok dedupe-awk: --key folded differs from a lower-cased awk key"
fi

"$GEN" distinct $N >"$t/distinct.jsonl"
for args in "--scope stream" "--scope stream --key exact" "--scope record"; do
	# shellcheck disable=SC2086
	if "$P" $args "$t/distinct.jsonl" | cmp -s - "$t/distinct.jsonl"; then
		echo "ok dedupe-awk: $N distinct paragraphs all kept ($args)"
	else
		echo "not ok dedupe-awk: a distinct paragraph was removed ($args)"
	fi
done
