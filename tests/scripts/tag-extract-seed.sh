#!/bin/sh
# The real dump in ../shared/seed through split-posts: the hashtags found
# are exactly the ones a reader sees, on the posts where they stand.  The
# expected list per post was written by reading the dump, not by running
# the program.  Skips when the shared folder is not there.
set -u
seed=$SHARED/seed/000_7bb4b0c889580217.txt
if [ ! -f "$seed" ]; then
	echo "skip tag-extract-seed ($seed is missing)"
	exit 0
fi
got=$("$BIN/split-posts" "$seed" | "$BIN/tag-extract" --only hashtags |
    jq -r 'select(.hashtags != []) | "\(.id) \(.hashtags | join(","))"')
want='1 CIS,EAEU,CSTO,BRICS,DiplomatsDay
2 EAEU,CIS,SCO,BRICS
3 G20,BRICS,SCO,ASEAN,EAEU,CELAC
4 G20,SCO,ASEAN,EAEU
5 EAEU,SCO,BRICS
7 BRICS,SCO,AfricanUnion,EAEU,CIS,ASEAN,LAS,CELAC,GCC,IORA
8 UnionState,EAEU,SCO,CIS,BRICS,EurasianIntegration,YoungGeneration,HSE
13 EAEU,SCO,ASEAN,AfricanUnion,CELAC,BRICS,UN
14 EAEU,SCO,ASEAN,BRICS'
if [ "$got" = "$want" ]; then
	echo "ok tag-extract-seed/hashtags-per-post"
else
	echo "not ok tag-extract-seed/hashtags-per-post"
	printf '%s\n' "$want" >"${TMPDIR:-/tmp}/seed.want.$$"
	printf '%s\n' "$got" | diff "${TMPDIR:-/tmp}/seed.want.$$" - | head -20
	rm -f "${TMPDIR:-/tmp}/seed.want.$$"
fi
all=$(printf '%s\n' "$got" | cut -d' ' -f2 | tr ',' '\n' | sort -u | tr '\n' ' ')
want_all='AfricanUnion ASEAN BRICS CELAC CIS CSTO DiplomatsDay EAEU EurasianIntegration G20 GCC HSE IORA LAS SCO UN UnionState YoungGeneration '
all=$(printf '%s' "$all" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')
want_all=$(printf '%s' "$want_all" | tr ' ' '\n' | LC_ALL=C sort | tr '\n' ' ')
if [ "$all" = "$want_all" ]; then
	echo "ok tag-extract-seed/exact-set"
else
	echo "not ok tag-extract-seed/exact-set: $all"
fi
