cd "$D" && dedupe-paragraphs --scope stream --state record.in/x < record.in
