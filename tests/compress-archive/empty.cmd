: | compress-archive > a && compress-archive -d a && compress-archive --list --json a | jq -c "[.records, .frames[].kind]" && zstd -dc a | wc -c
