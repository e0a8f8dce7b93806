compress-archive "$D/records.in" > a && compress-archive -t a && echo good
