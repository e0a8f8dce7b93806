compress-archive -o out.zst "$D/records.in" && ls -A && compress-archive -d -o back.jsonl out.zst && cat back.jsonl
