// SPDX-License-Identifier: Apache-2.0
// known_hosts text: the host name form, entry lines (plain or hashed) and key fingerprints.
// Verification itself uses libssh2's parser (src/known_hosts.cpp); these are the pure parts.
#pragma once

#include <string>
#include <string_view>

namespace kpatrol::collect {

/// "host" for port 22, else "[host]:port", as OpenSSH writes them.
std::string knownHostsName(std::string_view host, int port);

/// Standard base64 (with padding) of raw bytes.
std::string base64Encode(std::string_view bytes);

/// "SHA256:<base64 without padding>" of a raw public key blob, as `ssh-keygen -l` prints it.
std::string sha256Fingerprint(std::string_view key_blob);

/// OpenSSH's hashed host name: "|1|" base64(salt) "|" base64(HMAC-SHA1(salt, name)).
std::string hashedHostName(std::string_view name, std::string_view salt);

/// One known_hosts line (with a trailing newline): "<name> <key type> <base64 blob>\n" where
/// name is knownHostsName(host, port), hashed with `salt` when it is not empty.
std::string knownHostsLine(std::string_view host, int port, std::string_view key_type,
                           std::string_view key_blob, std::string_view salt = {});

/// The key type name inside an SSH public key blob (its first string), e.g. "ssh-ed25519";
/// empty when the blob is malformed.
std::string keyTypeOfBlob(std::string_view key_blob);

}  // namespace kpatrol::collect
