dedupe-paragraphs -q --rejects rej < "$D/rejects.in"; echo "exit $?"; cat rej
