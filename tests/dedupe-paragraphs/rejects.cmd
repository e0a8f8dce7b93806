dedupe-paragraphs --rejects rej < "$D/rejects.in"; echo "exit $?"; cat rej
