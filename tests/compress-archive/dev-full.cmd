compress-archive "$D/records.in" > /dev/full
