normalise-unicode -q --rejects rej.jsonl; echo "exit $?"; cat rej.jsonl
