touch file && compress-archive -o file/out.zst "$D/records.in"; st=$?; ls -A; exit $st
