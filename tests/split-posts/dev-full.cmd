split-posts "$TOP/samples/channel.txt" > /dev/full
