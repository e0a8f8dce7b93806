compress-archive --dict "$D/records.in" > a && compress-archive -d a && compress-archive --list --json a | jq .dictionary
