// SPDX-License-Identifier: Apache-2.0
// known_hosts lines, hashed names and fingerprints, checked against OpenSSH's own output
// (ssh-keygen -lf, and HMAC-SHA1 computed independently).
#include <doctest/doctest.h>

#include "kpatrol/collect/ssh_known_hosts.h"

using namespace kpatrol::collect;

namespace {

// ssh-keygen -t ed25519: "ssh-ed25519
// AAAAC3NzaC1lZDI1NTE5AAAAILaCfsWejrWnYxJr43D1ogP0fzR6H8eJaIh+gPx/M7IN" ssh-keygen -lf:
// SHA256:4/UF70i79J8RpcvH0QGYxS93NiqFVHkuM21xV6ohQzM
std::string blob() {
  const unsigned char key[] = {0x00, 0x00, 0x00, 0x0b, 's',  's',  'h',  '-',  'e',  'd',  '2',
                               '5',  '5',  '1',  '9',  0x00, 0x00, 0x00, 0x20, 0xb6, 0x82, 0x7e,
                               0xc5, 0x9e, 0x8e, 0xb5, 0xa7, 0x63, 0x12, 0x6b, 0xe3, 0x70, 0xf5,
                               0xa2, 0x03, 0xf4, 0x7f, 0x34, 0x7a, 0x1f, 0xc7, 0x89, 0x68, 0x88,
                               0x7e, 0x80, 0xfc, 0x7f, 0x33, 0xb2, 0x0d};
  return std::string(reinterpret_cast<const char*>(key), sizeof(key));
}

std::string salt() {
  std::string s;
  for (char c = 0; c < 20; ++c) s.push_back(c);
  return s;
}

}  // namespace

TEST_CASE("known_hosts: names, [host]:port for ports other than 22") {
  CHECK(knownHostsName("10.0.0.1", 22) == "10.0.0.1");
  CHECK(knownHostsName("127.0.0.1", 2222) == "[127.0.0.1]:2222");
  CHECK(knownHostsName("node-1.example", 2200) == "[node-1.example]:2200");
}

TEST_CASE("known_hosts: key blob, base64 and SHA256 fingerprint as ssh-keygen prints them") {
  const std::string b = blob();
  CHECK(keyTypeOfBlob(b) == "ssh-ed25519");
  CHECK(base64Encode(b) == "AAAAC3NzaC1lZDI1NTE5AAAAILaCfsWejrWnYxJr43D1ogP0fzR6H8eJaIh+gPx/M7IN");
  CHECK(sha256Fingerprint(b) == "SHA256:4/UF70i79J8RpcvH0QGYxS93NiqFVHkuM21xV6ohQzM");
  CHECK(keyTypeOfBlob("") == "");
  CHECK(keyTypeOfBlob(std::string("\0\0\0\x40xx", 6)) == "");
  CHECK(base64Encode("") == "");
  CHECK(base64Encode("a") == "YQ==");
}

TEST_CASE("known_hosts: plain and hashed lines") {
  const std::string b = blob();
  CHECK(knownHostsLine("10.0.0.1", 22, "ssh-ed25519", b) ==
        "10.0.0.1 ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAILaCfsWejrWnYxJr43D1ogP0fzR6H8eJaIh+gPx/M7IN\n");
  CHECK(knownHostsLine("127.0.0.1", 2222, "ssh-ed25519", b).rfind("[127.0.0.1]:2222 ", 0) == 0);
  // HMAC-SHA1(salt, name), salt = bytes 0..19 (computed with Python's hmac module).
  CHECK(hashedHostName("[127.0.0.1]:2222", salt()) ==
        "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|zKYaAqmSav3Qxr2sffNqWFIcbe4=");
  CHECK(hashedHostName("node-1", salt()) ==
        "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|/USPuUgq6b6LrN2cjngc1r/klJY=");
  CHECK(knownHostsLine("127.0.0.1", 2222, "ssh-ed25519", b, salt()) ==
        "|1|AAECAwQFBgcICQoLDA0ODxAREhM=|zKYaAqmSav3Qxr2sffNqWFIcbe4= ssh-ed25519 "
        "AAAAC3NzaC1lZDI1NTE5AAAAILaCfsWejrWnYxJr43D1ogP0fzR6H8eJaIh+gPx/M7IN\n");
}
