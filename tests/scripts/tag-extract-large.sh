#!/bin/sh
# One record of about 10 MB holding 1.2 million entities (900,000 of them
# distinct): every distinct value comes out once, in order, and memory
# stays proportional to the record.
set -u
if [ "$CONFIG" != plain ]; then
	echo "skip tag-extract-large (plain build only)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/taglarge.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
awk 'BEGIN { printf "{\"id\":1,\"text\":\""
	for (i = 0; i < 300000; i++)
		printf "#t%d @user%d x%d.com $A ", i, i, i
	printf "#T0 @user0\"}\n" }' >"$tmp/in"
if ! "$BIN/tag-extract" "$tmp/in" >"$tmp/out"; then
	echo "not ok tag-extract-large/run (exit $?)"
	exit 0
fi
got=$(jq -r '[(.hashtags | length), (.mentions | length), (.urls | length),
    (.cashtags | join(",")), .hashtags[0], .hashtags[299999], .urls[299999]]
    | map(tostring) | join(" ")' "$tmp/out")
want="300000 300000 300000 A t0 t299999 x299999.com"
if [ "$got" = "$want" ]; then
	echo "ok tag-extract-large/1.2M-entities"
else
	echo "not ok tag-extract-large/1.2M-entities: got '$got'"
fi
