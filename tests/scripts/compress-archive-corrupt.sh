# compress-archive corruption matrix: an archive cut at every frame
# boundary and at random points, with a bit flipped in every byte (data
# frames, record index, seek table, dictionary; a sample of them in a big
# archive), read from a file and through a pipe, with a missing or a wrong
# dictionary.  Every case must end in exit 65 with a message on stderr;
# none may exit 0 or crash.  The work is in python3 to spare a process per
# corrupted copy.
CA=$BIN/compress-archive
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
step=1
[ "$CONFIG" = plain ] || step=5
in=$TOP/samples/channel.split-posts.jsonl
"$CA" --frame-size 300 "$in" >"$t/a.zst" || echo "not ok compress-archive-corrupt: compress"
awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "{\"id\":%d,\"text\":\"post %d on trade and energy %d\"}\n", i, i, i % 17 }' >"$t/d1"
awk 'BEGIN { for (i = 1; i <= 2000; i++) printf "{\"n\":%d,\"body\":\"другой текст %d о саммите %d\"}\n", i, i * 3, i % 11 }' >"$t/d2"
"$CA" --dict --frame-size 8K "$t/d1" >"$t/d1.zst"
"$CA" --dict --frame-size 8K "$t/d2" >"$t/d2.zst"
python3 - "$CA" "$t" "$step" <<'PY'
import json, random, subprocess, sys
ca, t, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
random.seed(42)

def run(args, data):
    # "pipe" last: the archive comes through a pipe (read as a stream)
    if args[-1] == "pipe":
        p = subprocess.run([ca] + args[:-1], input=data,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return p.returncode, p.stderr.decode("utf-8", "replace")
    with open(t + "/c.zst", "wb") as f:
        f.write(data)
    p = subprocess.run([ca] + args + [t + "/c.zst"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode("utf-8", "replace")

failures = {}
counts = {}
def expect65(group, label, args, data):
    counts[group] = counts.get(group, 0) + 1
    rc, err = run(args, data)
    if rc != 65 or "compress-archive: " not in err:
        failures.setdefault(group, []).append("%s %s: exit %d %s" %
            (label, " ".join(args), rc, err.strip()[:120]))

def report(group):
    if group in failures:
        print("not ok compress-archive-corrupt: %s: %d of %d cases not detected"
              % (group, len(failures[group]), counts[group]))
        for f in failures[group][:5]:
            print("    " + f)
    else:
        print("ok compress-archive-corrupt: %s (%d cases)" % (group, counts[group]))

def info(path):
    out = subprocess.run([ca, "--list", "--json", path], capture_output=True)
    return json.loads(out.stdout)

for name in ("a", "d1"):
    path = "%s/%s.zst" % (t, name)
    data = open(path, "rb").read()
    meta = info(path)
    frames = meta["frames"]
    table = frames[-1]["offset"] + frames[-1]["compressed"]
    bounds = [f["offset"] for f in frames] + [table]
    for b in bounds:
        for args in (["-d"], ["-t"], ["--extract", "1"], ["--list"],
                     ["-d", "pipe"]):
            expect65(name + ": cut at frame boundaries", str(b), args, data[:b])
    for i in range(40):
        b = random.randrange(1, len(data))
        for args in (["-d"], ["-t"], ["-t", "pipe"]):
            expect65(name + ": cut at random points", str(b), args, data[:b])
    def region(i):
        if i >= table:
            return "seek table"
        for f in frames:
            if f["offset"] <= i < f["offset"] + f["compressed"]:
                return f["kind"] + " frames"
    # every byte of a small archive; of a big one, every byte of its tail
    # (index and seek table) and 1500 others
    tail = frames[-1]["offset"]
    if len(data) <= 4000:
        where = range(0, len(data), step)
    else:
        where = sorted(set(random.sample(range(tail), 1500 // step)) |
                       set(range(tail, len(data), step)))
    for i in where:
        c = bytearray(data)
        c[i] ^= 1 << random.randrange(8)
        args = (["-d"], ["-t"], ["-t", "pipe"], ["-d", "pipe"])[i % 4]
        expect65(name + ": flipped bit in " + region(i), str(i), args, bytes(c))
    for g in sorted(counts):
        if g.startswith(name + ":"):
            report(g)

# a missing dictionary: the dictionary frame cut out
d1 = open(t + "/d1.zst", "rb").read()
d2 = open(t + "/d2.zst", "rb").read()
m1, m2 = info(t + "/d1.zst"), info(t + "/d2.zst")
n1, n2 = m1["frames"][0]["compressed"], m2["frames"][0]["compressed"]
for args in (["-d"], ["-t"], ["--extract", "1"], ["-d", "pipe"]):
    expect65("missing dictionary", "", args, d1[n1:])
# a wrong dictionary: another archive's in its place (same size, or not)
wrong = d2[:n2] + d1[n2:] if n1 == n2 else d2[:n2] + d1[n1:]
for args in (["-d"], ["-t"], ["--extract", "1"], ["--extract-dict", t + "/x"],
             ["-t", "pipe"]):
    expect65("wrong dictionary", "", args, wrong)
report("missing dictionary")
report("wrong dictionary")
PY
# zstd -D with the wrong dictionary fails too (zstd's own dictionary ID check)
"$CA" --extract-dict "$t/d2.dict" "$t/d2.zst"
if zstd -q -D "$t/d2.dict" -dc "$t/d1.zst" >/dev/null 2>&1; then
	echo "not ok compress-archive-corrupt: zstd -D with the wrong dictionary succeeded"
else
	echo "ok compress-archive-corrupt: zstd -D with the wrong dictionary fails"
fi
