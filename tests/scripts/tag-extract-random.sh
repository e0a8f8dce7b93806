#!/bin/sh
# Random texts over an alphabet of the characters the rules single out
# (sigils, marks, ZWNJ/ZWJ, middle dot, Sinhala, other numbers, fullwidth
# '#', emoji, Cyrillic, Devanagari, CJK), checked against a second,
# independent reading of ../shared/conformance/tdlib-entities/RULES.md in
# python3.  No '.' or ':' so no URL comes in; the seed is fixed.
set -u
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tagrand.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=4000
[ "$CONFIG" = plain ] || n=1000
python3 - "$n" "$BIN/tag-extract" "$tmp" <<'PY'
import json, random, subprocess, sys, unicodedata as ud
n, prog, tmp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
alpha = list("#@$#@$aBZ1_ -'/\nINCH") + ["я", "Д", "日", "म", "\u093e",
    "\u094d", "\u00b7", "\u200c", "\u200d", "\u00b2", "\u216b", "\u0663",
    "\u0da0", "\u0dca", "\U0001f525", "\uff03", "\u00e9", "\u0301"]
def cat(c): return ud.category(c)
def H(c): return c in "_\u200c\u00b7" or 0xd80 <= ord(c) <= 0xdff or cat(c)[0] == "L" or cat(c) == "Nd"
def W(c): return cat(c)[0] in "LN" or c == "_"
def A(c): return c.isascii() and (c.isalnum() or c == "_")
def hashtags(s):
    out, i = [], 0
    while (i := s.find("#", i)) >= 0:
        if i > 0 and H(s[i - 1]): i += 1; continue
        j, cnt, letter, cut, end = i + 1, 0, False, False, None
        while j < len(s) and H(s[j]):
            if cnt == 256: cut = True
            else:
                letter |= cat(s[j])[0] == "L"; cnt += 1
                if cnt == 256: end = j + 1
            j += 1
        after = j
        if cnt == 0: i = after; continue
        if not cut:
            end = j
            if j < len(s) and s[j] == "@":
                k = j + 1
                while k < len(s) and k - j - 1 < 32 and A(s[k]): k += 1
                if k - j - 1 >= 3: end = after = k
        if not (after < len(s) and s[after] == "#") and letter:
            out.append(s[i + 1:end])
        i = after
    return out
def mentions(s):
    out, i = [], 0
    while (i := s.find("@", i)) >= 0:
        if i > 0 and W(s[i - 1]): i += 1; continue
        j = i + 1
        while j < len(s) and A(s[j]): j += 1
        m = s[i + 1:j]
        if 2 <= len(m) <= 32 and not (j < len(s) and W(s[j])) and (
                len(m) >= 4 or m.lower() in ("gif", "nft", "pic", "ufc", "vid")):
            out.append(m)
        i = j
    return out
def cashtags(s):
    out, i = [], 0
    while (i := s.find("$", i)) >= 0:
        if i > 0 and (s[i - 1] == "$" or H(s[i - 1])): i += 1; continue
        j = i + 1
        if s.startswith("1INCH", j): j += 5
        else:
            while j < len(s) and "A" <= s[j] <= "Z": j += 1
        if not 1 <= j - i - 1 <= 8: i = j; continue
        end = j
        if j < len(s) and s[j] == "@":
            k = j + 1
            while k < len(s) and A(s[k]): k += 1
            if 3 <= k - j - 1 <= 32: end = k
        if end < len(s) and (s[end] == "$" or H(s[end])): i = j; continue
        out.append(s[i + 1:end]); i = end
    return out
def uniq(vals, fold):
    seen, out = set(), []
    for v in vals:
        k = v.casefold() if fold else v
        if k not in seen: seen.add(k); out.append(v)
    return out
rnd = random.Random(20240217)
texts = []
for _ in range(n):
    k = rnd.choice((4, 12, 40, 300))
    texts.append("".join(rnd.choice(alpha) for _ in range(k)))
with open(tmp + "/in", "w", encoding="utf-8") as f:
    for t in texts: f.write(json.dumps({"text": t}, ensure_ascii=False) + "\n")
got = subprocess.run([prog, tmp + "/in"], capture_output=True, check=True).stdout
bad = 0
for t, line in zip(texts, got.decode("utf-8").splitlines()):
    r = json.loads(line)
    want = {"hashtags": uniq(hashtags(t), True), "mentions": uniq(mentions(t), False),
            "cashtags": uniq(cashtags(t), False), "urls": []}
    for k, v in want.items():
        if r[k] != v:
            bad += 1
            if bad <= 5:
                print("    %r: %s want %r got %r" % (t, k, v, r[k]))
print(("ok" if bad == 0 else "not ok") + " tag-extract-random/%d-texts%s" % (n, "" if bad == 0 else " (%d differ)" % bad))
PY
