// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/core/fs.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>

namespace kpatrol {
namespace fs = std::filesystem;

Result<std::string> readFile(const fs::path& path, std::size_t max_bytes) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return makeError(Errc::kNotFound, path.string() + ": no such file");
  if (fs::is_directory(path, ec)) {
    return makeError(Errc::kInvalidArgument, path.string() + ": is a directory, expected a file");
  }
  const auto size = fs::file_size(path, ec);
  if (ec) return makeError(Errc::kIo, path.string() + ": " + ec.message());
  if (size > max_bytes) {
    return makeError(Errc::kInvalidArgument, path.string() + ": file is " + std::to_string(size) +
                                                 " bytes, larger than the limit of " +
                                                 std::to_string(max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return makeError(Errc::kIo, path.string() + ": cannot open: " + std::strerror(errno));
  std::string data(static_cast<std::size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(size));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) {
    return makeError(Errc::kIo, path.string() + ": short read");
  }
  return data;
}

namespace {
struct FdCloser {
  int fd = -1;
  ~FdCloser() {
    if (fd >= 0) ::close(fd);
  }
};
}  // namespace

Status writeFileAtomic(const fs::path& path, std::string_view data, unsigned mode) {
  std::error_code ec;
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (ec) return makeError(Errc::kIo, dir.string() + ": cannot create directory: " + ec.message());
  std::random_device rd;
  const fs::path tmp =
      dir / (".kpatrol-tmp-" + std::to_string(rd()) + "-" + path.filename().string());
  FdCloser file{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)};
  if (file.fd < 0) {
    return makeError(Errc::kIo, tmp.string() + ": cannot create: " + std::strerror(errno));
  }
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(file.fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      fs::remove(tmp, ec);
      return makeError(Errc::kIo, path.string() + ": write failed: " + why);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(file.fd) != 0) {
    const std::string why = std::strerror(errno);
    fs::remove(tmp, ec);
    return makeError(Errc::kIo, path.string() + ": fsync failed: " + why);
  }
  ::close(file.fd);
  file.fd = -1;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    fs::remove(tmp, ec);
    return makeError(Errc::kIo, path.string() + ": rename failed: " + why);
  }
  return okStatus();
}

std::string sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx.get(), data.data(), data.size());
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(static_cast<std::size_t>(len) * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

}  // namespace kpatrol
