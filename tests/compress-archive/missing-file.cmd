compress-archive "$D/records.in" > a && compress-archive -d nosuch a
