// SPDX-License-Identifier: Apache-2.0
// X.509 certificates from PEM text, parsed with OpenSSL on the scanner side.
#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <memory>

#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct NamesFree {
  void operator()(GENERAL_NAMES* n) const { GENERAL_NAMES_free(n); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, NamesFree>;

std::string nameText(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !name) return "";
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return text::sanitize(std::string_view(data, len > 0 ? static_cast<std::size_t>(len) : 0));
}

std::optional<std::string> timeText(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buf);
}

Json sans(X509* cert) {
  Json out = Json::array();
  NamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names.get(), i);
    if (gn->type == GEN_DNS || gn->type == GEN_URI || gn->type == GEN_EMAIL) {
      const ASN1_STRING* s = gn->d.ia5;
      out.push_back(text::sanitize(std::string_view(
          reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), ASN1_STRING_length(s))));
    } else if (gn->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = gn->d.iPAddress;
      char buf[INET6_ADDRSTRLEN] = {};
      int len = ASN1_STRING_length(ip);
      const unsigned char* data = ASN1_STRING_get0_data(ip);
      if (len == 4 && inet_ntop(AF_INET, data, buf, sizeof buf)) {
        out.push_back(buf);
      } else if (len == 16 && inet_ntop(AF_INET6, data, buf, sizeof buf)) {
        out.push_back(buf);
      }
    }
  }
  return out;
}

Json describe(X509* cert, const std::string& path) {
  Json c = Json::object();
  c["path"] = text::sanitize(path);
  c["subject"] = nameText(X509_get_subject_name(cert));
  c["issuer"] = nameText(X509_get_issuer_name(cert));
  auto nb = timeText(X509_get0_notBefore(cert));
  auto na = timeText(X509_get0_notAfter(cert));
  c["not_before"] = nb ? Json(*nb) : Json(nullptr);
  c["not_after"] = na ? Json(*na) : Json(nullptr);
  c["sans"] = sans(cert);
  std::string key_type = "unknown";
  int bits = 0;
  if (EVP_PKEY* key = X509_get0_pubkey(cert)) {  // owned by the certificate
    switch (EVP_PKEY_base_id(key)) {
      case EVP_PKEY_RSA:
        key_type = "RSA";
        break;
      case EVP_PKEY_EC:
        key_type = "EC";
        break;
      case EVP_PKEY_ED25519:
        key_type = "Ed25519";
        break;
      case EVP_PKEY_DSA:
        key_type = "DSA";
        break;
      default:
        break;
    }
    bits = EVP_PKEY_get_bits(key);
  }
  c["key_type"] = key_type;
  c["key_bits"] = bits;
  c["is_ca"] = (X509_get_extension_flags(cert) & EXFLAG_CA) != 0;
  c["self_signed"] = (X509_get_extension_flags(cert) & EXFLAG_SS) != 0;
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(cert)) {
    BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr);
    if (bn) {
      char* hex = BN_bn2hex(bn);
      if (hex) {
        c["serial"] = hex;
        OPENSSL_free(hex);
      }
      BN_free(bn);
    }
  }
  return c;
}

}  // namespace

std::vector<Json> parsePemCertificates(std::string_view pem, const std::string& path,
                                       std::vector<std::string>* errors) {
  std::vector<Json> out;
  if (pem.empty() || pem.size() > (64u << 20)) return out;
  ERR_clear_error();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return out;
  for (int n = 0; n < 1000; ++n) {
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) {
      unsigned long err = ERR_peek_last_error();
      bool end = ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE;
      if (err != 0 && !end && errors) {
        char buf[256];
        ERR_error_string_n(err, buf, sizeof buf);
        errors->push_back(path + ": certificate " + std::to_string(n + 1) + " does not parse (" +
                          buf + ")");
      }
      break;
    }
    out.push_back(describe(cert.get(), path));
  }
  ERR_clear_error();
  return out;
}

std::optional<std::string> decodeBase64(std::string_view s) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  out.reserve(s.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    if (c == '=' || text::isSpace(c)) continue;
    int v = value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace kpatrol::collect::probe
