tag-extract --rejects rej.jsonl && echo --- && cat rej.jsonl
