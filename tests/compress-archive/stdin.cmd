compress-archive < "$D/records.in" | compress-archive -d -
