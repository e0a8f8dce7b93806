compress-archive --raw "$D/raw.in" | compress-archive --list --json | jq -c "[.raw, .records]"
