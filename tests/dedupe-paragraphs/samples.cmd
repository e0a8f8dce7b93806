dedupe-paragraphs --explain "$TOP/samples/channel.split-posts.jsonl" 2>explain | cmp - "$TOP/samples/channel.dedupe-paragraphs.jsonl" && cat explain
