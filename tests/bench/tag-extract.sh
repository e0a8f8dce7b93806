# tag-extract beside a python3 regular-expression hashtag extractor (a
# user's script: the same records, a hashtags field, repeats removed) in the
# same run.
. "$TOP/tests/bench/lib.sh"
n=$(size_of "$CORPUS_JSONL")
cat >"$WORK/hashtags.py" <<'PY'
import json, re, sys
tag = re.compile(r"(?<![\w\u00b7\u200c])#([\w\u00b7\u200c]*[^\W\d_][\w\u00b7\u200c]*)(?![\w\u00b7\u200c]*#)")
out = sys.stdout
for line in sys.stdin:
    r = json.loads(line)
    seen, tags = set(), []
    for t in tag.findall(r.get("text") or ""):
        k = t.casefold()
        if k not in seen:
            seen.add(k)
            tags.append(t)
    r["hashtags"] = tags
    out.write(json.dumps(r, ensure_ascii=False) + "\n")
PY
bench "tag-extract (all four kinds)" "$n" "'$BIN/tag-extract' <'$CORPUS_JSONL' >/dev/null"
ours=$BENCH_MBPS
bench "tag-extract --only hashtags" "$n" "'$BIN/tag-extract' --only hashtags <'$CORPUS_JSONL' >/dev/null"
bench "tag-extract --tsv" "$n" "'$BIN/tag-extract' --tsv <'$CORPUS_JSONL' >/dev/null"
bench "python3 re hashtag extractor" "$n" "python3 '$WORK/hashtags.py' <'$CORPUS_JSONL' >/dev/null"
py=$BENCH_MBPS
"$BIN/tag-extract" --only hashtags <"$CORPUS_JSONL" | jq -c .hashtags >"$WORK/tags.ours"
python3 "$WORK/hashtags.py" <"$CORPUS_JSONL" | jq -c .hashtags >"$WORK/tags.py"
if cmp -s "$WORK/tags.ours" "$WORK/tags.py"; then
	echo "  (the python3 extractor finds the same hashtags)"
else
	d=$(paste -d '\t' "$WORK/tags.ours" "$WORK/tags.py" | awk -F '\t' '$1 != $2' | wc -l)
	echo "  (note: the python3 extractor's hashtags differ on $d of $(wc -l <"$WORK/tags.ours") records: it knows no #tag@bot suffix, URL or 256-limit rule)"
fi
rm -f "$WORK/tags.ours" "$WORK/tags.py"
echo "  ratio tag-extract / python3: $(ratio "$ours" "$py")x"
verdict "tag-extract MB/s" "$ours" 300
