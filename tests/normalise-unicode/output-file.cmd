normalise-unicode -o out.jsonl "$TOP/samples/channel.split-posts.jsonl" && cmp out.jsonl "$TOP/samples/channel.normalise-unicode.jsonl" && ls
