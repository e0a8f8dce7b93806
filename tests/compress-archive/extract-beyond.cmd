compress-archive "$D/records.in" > a && compress-archive --extract 4-6 a
