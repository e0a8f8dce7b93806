normalise-unicode --rejects rej.jsonl; echo "exit $?"; cat rej.jsonl
