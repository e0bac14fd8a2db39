#!/bin/sh
# An exec credential plugin that succeeds: echoes its inputs into the token so tests can see
# what kubectl's protocol passed (args, env, KUBERNETES_EXEC_INFO).
if [ -n "$EXEC_LOG" ]; then echo "run" >> "$EXEC_LOG"; fi
info=$(printf '%s' "$KUBERNETES_EXEC_INFO" | tr -d '"{}:, ' | head -c 200)
echo "plugin says hello on stderr" >&2
cat <<JSON
{"apiVersion": "${EXEC_API_VERSION:-client.authentication.k8s.io/v1}", "kind": "ExecCredential",
 "status": {"token": "tok-$1-${PLUGIN_ENV:-none}", "expirationTimestamp": "2099-01-01T00:00:00Z"}}
JSON
