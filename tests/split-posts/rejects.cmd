split-posts --source x --rejects rej.txt; st=$?; echo "-- rejects:"; od -c rej.txt; exit $st
