compress-archive -l 19 "$D/records.in" | compress-archive -d
