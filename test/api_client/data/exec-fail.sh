#!/bin/sh
# An exec credential plugin that fails the way real ones do: a message on stderr, exit 1.
echo "error: refresh token expired; run 'aliyun configure' again" >&2
exit 1
