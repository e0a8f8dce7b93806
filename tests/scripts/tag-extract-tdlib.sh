#!/bin/sh
# TDLib's own entity tests (../shared/conformance/tdlib-entities/*.jsonl):
# every case's expected list, with repeats removed the way tag-extract
# removes them (hashtags compared case-folded, first spelling kept), must
# equal the field tag-extract writes.  One "ok" line per case.
set -u
dir=$SHARED/conformance/tdlib-entities
if [ ! -d "$dir" ]; then
	echo "skip tag-extract-tdlib ($dir is missing)"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tdlib.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
for f in "$dir"/tdlib-*.jsonl; do
	kind=${f##*/tdlib-}
	kind=${kind%.jsonl}
	if ! "$BIN/tag-extract" "$f" >"$tmp/out" 2>"$tmp/err"; then
		echo "not ok tag-extract-tdlib/$kind (exit $?: $(head -1 "$tmp/err"))"
		continue
	fi
	python3 - "$kind" "$f" "$tmp/out" <<'PY'
import json, sys
kind, cases, out = sys.argv[1:]
cases = [json.loads(l) for l in open(cases, encoding="utf-8")]
got = [json.loads(l) for l in open(out, encoding="utf-8")]
if len(cases) != len(got):
    print("not ok tag-extract-tdlib/%s (%d records in, %d out)" %
          (kind, len(cases), len(got)))
    sys.exit(0)
for c, g in zip(cases, got):
    want, seen = [], set()
    for v in c["expected"]:
        k = v.casefold() if kind == "hashtags" else v
        if k not in seen:
            seen.add(k)
            want.append(v)
    if g.get(kind) == want:
        print("ok tag-extract-tdlib/%s" % c["id"])
    else:
        print("not ok tag-extract-tdlib/%s: %r: want %r, got %r" %
              (c["id"], c["text"], want, g.get(kind)))
PY
done
