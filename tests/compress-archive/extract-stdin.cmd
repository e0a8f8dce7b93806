compress-archive "$D/records.in" | compress-archive --extract 5
