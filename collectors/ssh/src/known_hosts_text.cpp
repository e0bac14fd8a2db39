// SPDX-License-Identifier: Apache-2.0
// known_hosts text in OpenSSH's formats (sshd(8) SSH_KNOWN_HOSTS FILE FORMAT).
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "kpatrol/collect/ssh_known_hosts.h"

namespace kpatrol::collect {

std::string knownHostsName(std::string_view host, int port) {
  if (port == 22) return std::string(host);
  return "[" + std::string(host) + "]:" + std::to_string(port);
}

std::string base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string sha256Fingerprint(std::string_view key_blob) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key_blob.data()), key_blob.size(), digest);
  std::string b64 =
      base64Encode(std::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  return "SHA256:" + b64;
}

std::string hashedHostName(std::string_view name, std::string_view salt) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha1(), salt.data(), static_cast<int>(salt.size()),
       reinterpret_cast<const unsigned char*>(name.data()), name.size(), mac, &mac_len);
  return "|1|" + base64Encode(salt) + "|" +
         base64Encode(std::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

std::string knownHostsLine(std::string_view host, int port, std::string_view key_type,
                           std::string_view key_blob, std::string_view salt) {
  const std::string name = knownHostsName(host, port);
  return (salt.empty() ? name : hashedHostName(name, salt)) + " " + std::string(key_type) + " " +
         base64Encode(key_blob) + "\n";
}

std::string keyTypeOfBlob(std::string_view key_blob) {
  if (key_blob.size() < 4) return {};
  const auto* p = reinterpret_cast<const unsigned char*>(key_blob.data());
  const std::size_t len = (std::size_t{p[0]} << 24) | (std::size_t{p[1]} << 16) |
                          (std::size_t{p[2]} << 8) | std::size_t{p[3]};
  if (len == 0 || len > key_blob.size() - 4) return {};
  return std::string(key_blob.substr(4, len));
}

}  // namespace kpatrol::collect
