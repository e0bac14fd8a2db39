#!/bin/sh
# Prints KUBERNETES_EXEC_INFO back inside the token, to check what the plugin receives.
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s"}}\n' "$(printf '%s' "$KUBERNETES_EXEC_INFO" | base64 -w0)"
