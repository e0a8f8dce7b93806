cp "$D/good.state" s && dedupe-paragraphs --scope stream --key exact --state s < "$D/record.in"
