tag-extract -o out.jsonl && cat out.jsonl && ls
