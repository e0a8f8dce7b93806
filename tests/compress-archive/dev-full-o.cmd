compress-archive -o /dev/full "$D/records.in"
