#!/usr/bin/env python3
"""gencorpus.py MB: write a deterministic raw dump of about MB megabytes to
stdout, in the seed's format: posts forwarded from a few channels, mixed
scripts (Latin, Cyrillic, Arabic, CJK), mostly NFC with some NFD accents,
no-break and zero-width spaces, emoji with variation selectors and flags,
hashtags, mentions and links, each body doubled the way link previews
double it (whole, from its second paragraph, or cut short with an
ellipsis), and placeholder and too-big posts."""
import random
import sys

WORDS = {
    "latin": ("the minister said that cooperation between our countries "
              "continues to grow trade energy security summit agreement "
              "partners development integration economic forum talks "
              "delegation visit international relations process week").split(),
    "cyrillic": ("министр заявил что сотрудничество между нашими странами "
                 "продолжает расти торговля энергетика безопасность саммит "
                 "соглашение партнёры развитие интеграция форум").split(),
    "arabic": ("وزير الخارجية التعاون بين البلدين التجارة الطاقة الأمن "
               "القمة الاتفاق الشركاء التنمية").split(),
    "cjk": "外交部 部长 合作 贸易 能源 安全 峰会 协议 伙伴 发展 一体化 论坛".split(),
}
EMOJI = ["📄", "💬", "🗓", "🌐", "🎙", "⚡️", "❗️", "🇷🇺", "🇨🇳", "👉",
         "👨‍👩‍👧", "✍️", "•"]
TAGS = ["#BRICS", "#EAEU", "#CIS", "#SCO", "#БРИКС", "#UN", "#G20",
        "#DiplomatsDay", "#金砖国家", "#ASEAN"]
SPECIAL = ["\u00a0", "\u200b", "\u202f", "e\u0301", "a\u0303", "\u00ad"]


def sentence(rng, script):
    words = WORDS[script]
    out = [rng.choice(words) for _ in range(rng.randint(6, 30))]
    if rng.random() < 0.3:
        out.insert(rng.randrange(len(out)), rng.choice(TAGS))
    if rng.random() < 0.05:
        out.insert(rng.randrange(len(out)), "@mfa_russia")
    if rng.random() < 0.1:
        out.append("https://example.org/%d" % rng.randint(1, 99999))
    if rng.random() < 0.1:
        out.insert(rng.randrange(len(out)), rng.choice(SPECIAL))
    sep = "" if script == "cjk" else " "
    return sep.join(out)


def post(rng):
    script = rng.choices(list(WORDS), weights=[70, 20, 5, 5])[0]
    paras = []
    for _ in range(rng.randint(2, 7)):
        p = sentence(rng, script)
        if rng.random() < 0.5:
            p = rng.choice(EMOJI) + " " + p
        paras.append(p)
    paras.append(" ".join(rng.sample(TAGS, rng.randint(1, 3))))
    body = list(paras)
    kind = rng.random()
    if kind < 0.5:
        body += paras[:-1]
    elif kind < 0.8:
        body += paras[1:-1]
    else:
        cut = paras[1:-1]
        if cut:
            last = cut[-1]
            cut[-1] = last[: max(1, len(last) // 2)] + "…"
        body += cut
    return body


def main():
    target = int(sys.argv[1]) * 1000 * 1000 if len(sys.argv) > 1 else 50_000_000
    rng = random.Random(20261127)
    out = sys.stdout
    size = 0
    while size < target:
        r = rng.random()
        if r < 0.08:
            lines = ["Please open Telegram to view this post", "VIEW IN TELEGRAM"]
        else:
            lines = ["Forwarded from " + rng.choice(
                ["Russian MFA 🇷🇺", "Eurasia Digest", "МИД России"])]
            if r < 0.15:
                lines += ["Media is too big", "VIEW IN TELEGRAM"]
            lines += post(rng)
        chunk = "\n".join(lines) + "\n"
        out.write(chunk)
        size += len(chunk.encode("utf-8"))


main()
