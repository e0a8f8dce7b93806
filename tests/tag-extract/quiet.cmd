tag-extract -q --rejects rej.jsonl && cat rej.jsonl
