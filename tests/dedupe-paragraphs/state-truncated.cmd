cp "$D/truncated.state" s && { dedupe-paragraphs --scope stream --state s < "$D/record.in"; echo "exit $?"; } 2>&1 | sed "s/Unicode [0-9.]*/Unicode V/g"; cmp s "$D/truncated.state" && echo unchanged
