compress-archive "$D/records.in" > a && compress-archive --extract 1 -o one a && cat one
