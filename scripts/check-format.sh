#!/usr/bin/env bash
# Fails when a C++ file under the project's source folders is not clang-formatted
# (.clang-format). Run `clang-format -i <file>` to fix. Used by ctest (lint_format).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find scanner report collectors plugins test fixtures/apiserver \( -name '*.cpp' -o -name '*.h' \) -type f | sort)
if clang-format --dry-run --Werror "${files[@]}" 2> /tmp/kpatrol-format.$$; then
  echo "clang-format: ${#files[@]} files clean"
  rm -f /tmp/kpatrol-format.$$
else
  grep -E '^[^ ].*(warning|error):' /tmp/kpatrol-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
  rm -f /tmp/kpatrol-format.$$
  exit 1
fi
