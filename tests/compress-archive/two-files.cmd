compress-archive "$D/records.in" "$D/records.in" | compress-archive -d
