normalise-unicode "$TOP/samples/channel.split-posts.jsonl" >/dev/full
