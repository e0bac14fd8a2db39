#!/usr/bin/env bash
# Installs everything kpatrol needs to build (and, with --test, to run its test suite) from
# Debian packages. Idempotent: safe to run again; apt skips what is already installed.
set -euo pipefail

build_packages=(
  g++ cmake ninja-build pkg-config make   # toolchain
  liblua5.4-dev           # rule engine (linked as the C++ build, lua5.4-c++)
  libssh2-1-dev           # node collection over SSH
  libyaml-cpp-dev         # profiles, waivers, pack manifests, rule test cases
  libsqlite3-dev          # scan history
  libarchive-dev          # evidence bundles and .tar.gz rule packs
  libspdlog-dev libfmt-dev  # logging and formatting
  libcurl4-openssl-dev libssl-dev  # Kubernetes API over HTTPS; sha256 and X.509
  libsimdjson-dev         # fast reading of large API responses
  nlohmann-json3-dev      # JSON model of snapshots and reports
  libcli11-dev            # command line
  libjemalloc-dev         # allocator of the programs: findings cross threads (CMakeLists.txt)
  doctest-dev             # unit tests
  libcpp-httplib-dev      # the fixture Kubernetes API server (HTTPS) built with the tests
)
test_packages=(
  jq sqlite3              # end-to-end tests read reports and databases as a user would
  clang-format            # the format check (scripts/check-format.sh) runs with the tests
  libxml2-utils python3 python3-jsonschema python3-prometheus-client
                          # report formats validated by real parsers: JUnit XSD, JSON Schema
                          # (report and SARIF 2.1.0), Prometheus exposition, CSV
  chromium fonts-wqy-microhei
                          # the HTML report is checked in real headless Chromium (with a
                          # Chinese font, so screenshots of the zh report are readable)
  openssh-server openssh-client time sudo
                          # SSH collection is tested against real sshd instances on 127.0.0.1
                          # (time: the SSH benchmark's CPU figures; sudo: the node that needs
                          # sudo for root facts, whose `sudo -n` must ask for a password)
  valgrind                # the instruction-count regression check (test/perf)
  openssl curl            # tests generate CAs and certificates; curl checks the fixture server
  python3-yaml            # the dogfood test reads the RBAC verbs of the rendered deploy/ YAML
  busybox bind9-dnsutils  # the node probe runs under busybox sh too; dig/nslookup for the
                          # DNS resolution probe against a live responder
  mmdebstrap umoci        # the container image is built and smoke-tested without a container
                          # engine (deploy/image/build-image.sh)
  clang-14 libclang-rt-14-dev
                          # scripts/test-sanitizers.sh: the asan, tsan and fuzz builds (clang
                          # 14, with its sanitizer and libFuzzer runtimes)
)

packages=("${build_packages[@]}")
if [[ "${1:-}" == "--test" ]]; then packages+=("${test_packages[@]}"); fi

run() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
export DEBIAN_FRONTEND=noninteractive
run apt-get update -q
run apt-get install -y -q --no-install-recommends "${packages[@]}"

# The API tests check the fixture server with the real kubectl client. Use the one installed
# (any packaging); otherwise Debian's kubernetes-client provides it.
if [[ "${1:-}" == "--test" ]] && ! command -v kubectl >/dev/null 2>&1; then
  run apt-get install -y -q --no-install-recommends kubernetes-client
fi
