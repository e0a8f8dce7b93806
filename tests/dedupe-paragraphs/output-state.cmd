dedupe-paragraphs --scope stream -o out.jsonl --state s < "$D/stream.in" && cat out.jsonl && ls
