tag-extract "$TOP/samples/channel.split-posts.jsonl" | cmp - "$TOP/samples/channel.tag-extract.jsonl" && echo same
