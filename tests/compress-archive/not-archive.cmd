cp "$D/records.in" r.jsonl && compress-archive -d r.jsonl
