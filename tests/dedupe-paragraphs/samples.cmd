dedupe-paragraphs --explain "$TOP/samples/channel.normalise-unicode.jsonl" 2>explain | cmp - "$TOP/samples/channel.dedupe-paragraphs.jsonl" && cat explain
