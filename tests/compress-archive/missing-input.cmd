compress-archive nosuch "$D/records.in" > a; echo $?; compress-archive -d a
