tag-extract "$TOP/samples/channel.dedupe-paragraphs.jsonl" | cmp - "$TOP/samples/channel.tag-extract.jsonl" && echo same
