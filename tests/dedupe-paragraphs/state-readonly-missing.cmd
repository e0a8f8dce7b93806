dedupe-paragraphs --scope stream --state missing --state-readonly < "$D/record.in"; echo "exit $?"; ls
