normalise-unicode --strict --rejects rej.jsonl && cat rej.jsonl
