compress-archive --frame-size 120 "$D/records.in" | compress-archive --list --json | jq -c ".records, .decompressed, .raw, .dictionary, [.frames[] | [.kind, .decompressed, .first_record, .records]]"
