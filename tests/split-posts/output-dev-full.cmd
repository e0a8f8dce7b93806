split-posts -o /dev/full "$TOP/samples/channel.txt"
