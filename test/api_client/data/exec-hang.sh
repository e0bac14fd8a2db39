#!/bin/sh
# An exec credential plugin that never answers (waiting on a browser login, a dead network).
echo "waiting for the identity provider..." >&2
sleep 60
