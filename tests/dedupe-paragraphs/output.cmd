dedupe-paragraphs -o out.jsonl < "$D/record.in" && cat out.jsonl && ls
