printf "not a state file at all, just some text that is long enough to be read\n" > s; dedupe-paragraphs --scope stream --state s < "$D/record.in"
