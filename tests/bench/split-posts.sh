# split-posts beside the same split written in python3 (a user's script).
. "$TOP/tests/bench/lib.sh"
n=$(size_of "$CORPUS_TXT")
cat >"$WORK/split.py" <<'PY'
import json, sys
def emit(pid, src, frm, media, lines):
    sys.stdout.write(json.dumps({"id": pid, "source": src, "forwarded_from": frm,
        "media": media, "text": "\n".join(lines)}, ensure_ascii=False) + "\n")
pid, frm, media, lines, open_, prev = 0, None, None, [], False, None
for raw in sys.stdin.buffer:
    line = raw.decode("utf-8").rstrip("\n")
    if prev is not None:
        if line == "VIEW IN TELEGRAM":
            if prev == "placeholder":
                if open_: pid += 1; emit(pid, "-", frm, media, lines)
                pid += 1; emit(pid, "-", None, "unavailable", [])
                frm, media, lines, open_ = None, None, [], False
            else:
                media, open_ = "too_big", True
            prev = None
            continue
        lines.append("Please open Telegram to view this post" if prev == "placeholder" else "Media is too big")
        open_, prev = True, None
    if line.startswith("Forwarded from "):
        if open_: pid += 1; emit(pid, "-", frm, media, lines)
        frm, media, lines, open_ = line[15:], None, [], True
    elif line == "Please open Telegram to view this post":
        prev = "placeholder"
    elif line == "Media is too big" and not lines and media is None:
        prev = "too_big"
    else:
        lines.append(line); open_ = True
if open_: pid += 1; emit(pid, "-", frm, media, lines)
PY
bench "split-posts" "$n" "'$BIN/split-posts' <'$CORPUS_TXT' >/dev/null"
ours=$BENCH_MBPS
bench "python3 line splitter (same rules)" "$n" "python3 '$WORK/split.py' <'$CORPUS_TXT' >/dev/null"
py=$BENCH_MBPS
"$BIN/split-posts" <"$CORPUS_TXT" | jq -c . >"$WORK/split.ours"
python3 "$WORK/split.py" <"$CORPUS_TXT" | jq -c . >"$WORK/split.py.out"
if cmp -s "$WORK/split.ours" "$WORK/split.py.out"; then
	echo "  (the python3 splitter gives the same records)"
else
	echo "  (note: the python3 splitter's records differ)"
fi
rm -f "$WORK/split.ours" "$WORK/split.py.out"
echo "  ratio split-posts / python3: $(ratio "$ours" "$py")x"
verdict "split-posts MB/s" "$ours" 500
