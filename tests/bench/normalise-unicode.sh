#!/bin/sh
# normalise-unicode benchmark: MB/s of JSON Lines input, beside uconv -x
# any-nfc and a python3 unicodedata.normalize line filter (both NFC only,
# no clean-up, no JSON).  Env: BIN, WORK, CORPUS_JSONL (made from samples/
# when unset), TOP.  Target: >= 250 MB/s and >= 3x the faster peer.
set -u
. "${BENCH_LIB:-$TOP/tests/bench/lib.sh}"
PROG=$BIN/normalise-unicode
corpus=${CORPUS_JSONL:-}
if [ -z "$corpus" ]; then
	corpus=$WORK/normalise-corpus.jsonl
	if [ ! -f "$corpus" ]; then
		i=0
		while [ $i -lt 12000 ]; do
			cat "$TOP/samples/channel.txt"
			i=$((i + 1))
		done >"$WORK/normalise-corpus.txt"
		"$BIN/split-posts" "$WORK/normalise-corpus.txt" >"$corpus"
	fi
fi
bytes=$(size_of "$corpus")
echo "normalise-unicode: $corpus ($bytes bytes)"

bench "normalise-unicode (defaults)" "$bytes" \
    "'$PROG' '$corpus' >/dev/null"
ours=$BENCH_MBPS
bench "normalise-unicode --no-cleanup (NFC only)" "$bytes" \
    "'$PROG' --no-cleanup '$corpus' >/dev/null"
bench "normalise-unicode --form nfkc_cf --strip-emoji" "$bytes" \
    "'$PROG' --form nfkc_cf --strip-emoji '$corpus' >/dev/null"
bench "normalise-unicode --form nfd" "$bytes" \
    "'$PROG' --form nfd '$corpus' >/dev/null"
# The worst case: every record needs work (NFD accents, odd spaces,
# invisibles), so every text is cleaned, copied and escaped again.
dirty=$WORK/normalise-dirty.jsonl
if [ ! -f "$dirty" ]; then
	sed -n '2p;4p;12p' "$TOP/samples/channel.split-posts.jsonl" >"$dirty.1"
	i=0
	while [ $i -lt 13 ]; do
		cat "$dirty.1" "$dirty.1" >"$dirty.2"
		mv "$dirty.2" "$dirty.1"
		i=$((i + 1))
	done
	mv "$dirty.1" "$dirty"
fi
bench "normalise-unicode, every record dirty" "$(size_of "$dirty")" \
    "'$PROG' '$dirty' >/dev/null"
best=0
if command -v uconv >/dev/null 2>&1; then
	bench "uconv -x any-nfc" "$bytes" \
	    "uconv -f utf-8 -t utf-8 -x any-nfc '$corpus' >/dev/null"
	best=$BENCH_MBPS
fi
if command -v python3 >/dev/null 2>&1; then
	bench "python3 unicodedata.normalize NFC, per line" "$bytes" \
	    "python3 -c 'import sys, unicodedata
w = sys.stdout.write
for l in sys.stdin: w(unicodedata.normalize(\"NFC\", l))' <'$corpus' >/dev/null"
	if awk -v a="$BENCH_MBPS" -v b="$best" 'BEGIN { exit !(a > b) }'; then
		best=$BENCH_MBPS
	fi
fi
verdict "normalise-unicode MB/s" "$ours" 250
if [ "$best" != 0 ]; then
	verdict "ratio to the faster peer" "$(ratio "$ours" "$best")" 3
fi
