// SPDX-License-Identifier: Apache-2.0
// Reading and writing .tar.gz archives with libarchive. An archive is untrusted input: members
// are read into memory only (never written to disk here), every path is checked before it is
// accepted, and every entry that is not a plain file or directory is refused.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#include "kpatrol/bundle/bundle.h"
#include "kpatrol/core/fs.h"

namespace kpatrol::bundle {
namespace {

namespace fs = std::filesystem;

struct ArchiveReadDeleter {
  void operator()(struct archive* a) const noexcept { archive_read_free(a); }
};
struct ArchiveWriteDeleter {
  void operator()(struct archive* a) const noexcept { archive_write_free(a); }
};
struct ArchiveEntryDeleter {
  void operator()(struct archive_entry* e) const noexcept { archive_entry_free(e); }
};
using ReadArchivePtr = std::unique_ptr<struct archive, ArchiveReadDeleter>;
using WriteArchivePtr = std::unique_ptr<struct archive, ArchiveWriteDeleter>;
using ArchiveEntryPtr = std::unique_ptr<struct archive_entry, ArchiveEntryDeleter>;

constexpr std::size_t kReadBlockBytes = std::size_t{64} << 10;
constexpr std::size_t kMaxPathBytes = 4096;
constexpr std::size_t kMaxReserveBytes = std::size_t{16} << 20;

std::string archiveMessage(struct archive* a) {
  const char* msg = archive_error_string(a);
  return msg != nullptr && *msg != '\0' ? std::string(msg)
                                        : std::string("unknown libarchive error");
}

// libarchive's pseudo errno values (archive_private.h, not installed): format errors use EILSEQ
// where EFTYPE is missing, decompression and other data errors use -1, API misuse EINVAL.
constexpr int kArchiveErrnoFileFormat = EILSEQ;
constexpr int kArchiveErrnoMisc = -1;
constexpr int kArchiveErrnoProgrammer = EINVAL;

/// libarchive reports format and decompression problems with its own pseudo errno values; a
/// real errno from the read callback means the file itself could not be read.
Errc classifyReadError(struct archive* a) {
  const int err = archive_errno(a);
  if (err == 0 || err == kArchiveErrnoFileFormat || err == kArchiveErrnoMisc ||
      err == kArchiveErrnoProgrammer) {
    return Errc::kIntegrity;
  }
  return Errc::kIo;
}

/// "truncated archive" when libarchive says the data ended early, "corrupt archive" otherwise.
std::string describeReadFailure(struct archive* a) {
  std::string msg = archiveMessage(a);
  std::string lower = msg;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool truncated = lower.find("truncat") != std::string::npos ||
                         lower.find("premature") != std::string::npos ||
                         lower.find("unexpected end") != std::string::npos;
  if (classifyReadError(a) == Errc::kIo) return "read error: " + msg;
  return (truncated ? "truncated archive: " : "corrupt archive: ") + msg;
}

/// Checks a member path and returns its normal form: relative, '/'-separated, no leading "./",
/// no trailing '/', and no empty, "." or ".." component. Returns an empty string and sets why
/// when the path is refused.
std::string normaliseMemberPath(std::string_view raw, bool is_directory, std::string& why) {
  if (raw.empty()) {
    why = "empty path";
    return {};
  }
  if (raw.size() > kMaxPathBytes) {
    why = "path longer than " + std::to_string(kMaxPathBytes) + " bytes";
    return {};
  }
  if (raw.front() == '/') {
    why = "absolute path refused";
    return {};
  }
  std::string_view path = raw;
  while (path.size() >= 2 && path.substr(0, 2) == "./") {
    path.remove_prefix(2);
  }
  if (!path.empty() && path.front() == '/') {
    why = "absolute path refused";
    return {};
  }
  if (is_directory) {
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    if (path.empty() || path == ".") return ".";  // the archive root itself
  }
  if (path.empty()) {
    why = "path names no file";
    return {};
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = path.find('/', start);
    const std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part == "..") {
      why = "path with a \"..\" component refused";
      return {};
    }
    if (part.empty() || part == ".") {
      why = "path with an empty or \".\" component refused";
      return {};
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return std::string(path);
}

const char* entryTypeName(unsigned type) {
  switch (type) {
    case AE_IFLNK:
      return "symlink";
    case AE_IFCHR:
      return "character device";
    case AE_IFBLK:
      return "block device";
    case AE_IFIFO:
      return "fifo";
    case AE_IFSOCK:
      return "socket";
    default:
      return "entry of unsupported type";
  }
}

/// A member path as it may appear in an error message: a hostile archive must not be able to put
/// control characters (newlines, terminal escapes) into logs and terminals.
std::string printable(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size());
  for (const char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

const char* entryPathname(struct archive_entry* entry) {
  if (const char* utf8 = archive_entry_pathname_utf8(entry); utf8 != nullptr) return utf8;
  return archive_entry_pathname(entry);
}

Result<std::map<std::string, std::string>> readArchiveImpl(const fs::path& archive_path,
                                                           const Limits& limits) {
  const std::string where = archive_path.string();
  std::error_code ec;
  const fs::file_status status = fs::status(archive_path, ec);
  if (ec || !fs::exists(status)) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return makeError(Errc::kIo, where + ": " + ec.message());
    }
    return makeError(Errc::kNotFound, where + ": no such file");
  }
  if (!fs::is_regular_file(status)) {
    return makeError(Errc::kInvalidArgument, where + ": not a regular file");
  }

  ReadArchivePtr reader(archive_read_new());
  if (!reader) return makeError(Errc::kInternal, where + ": cannot allocate an archive reader");
  struct archive* a = reader.get();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);  // pax, ustar, GNU and v7 tar; nothing else
  if (archive_read_open_filename(a, archive_path.c_str(), kReadBlockBytes) != ARCHIVE_OK) {
    return makeError(classifyReadError(a),
                     where + ": cannot open archive: " + describeReadFailure(a));
  }

  std::map<std::string, std::string> files;
  std::uint64_t total = 0;
  std::size_t entries = 0;
  std::string last_member;
  std::string buffer(kReadBlockBytes, '\0');
  while (true) {
    struct archive_entry* entry = nullptr;
    const int rc = archive_read_next_header(a, &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const std::string at = last_member.empty() ? "first member" : "member after " + last_member;
      return makeError(classifyReadError(a), where + ": " + at + ": " + describeReadFailure(a));
    }
    const char* raw_name = entryPathname(entry);
    const std::string raw = raw_name != nullptr ? raw_name : "";
    const std::string member =
        "member " + (raw.empty() ? std::string("<unnamed>") : printable(raw));
    if (++entries > limits.max_members) {
      return makeError(Errc::kIntegrity, where + ": " + member + ": more than " +
                                             std::to_string(limits.max_members) +
                                             " members in the archive");
    }
    if (rc == ARCHIVE_WARN && raw_name == nullptr) {
      return makeError(Errc::kIntegrity,
                       where + ": member with an unreadable path: " + archiveMessage(a));
    }

    const unsigned type = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry) != nullptr) {
      return makeError(Errc::kIntegrity, where + ": " + member + ": hardlink (to " +
                                             printable(archive_entry_hardlink(entry)) +
                                             ") refused");
    }
    std::string why;
    const std::string path = normaliseMemberPath(raw, type == AE_IFDIR, why);
    if (path.empty()) return makeError(Errc::kIntegrity, where + ": " + member + ": " + why);
    if (type == AE_IFDIR) {
      last_member = printable(raw);
      continue;  // directories are implied by the files under them
    }
    if (type != AE_IFREG) {
      std::string detail = entryTypeName(type);
      if (type == AE_IFLNK && archive_entry_symlink(entry) != nullptr) {
        detail += " (to " + printable(archive_entry_symlink(entry)) + ")";
      }
      return makeError(Errc::kIntegrity, where + ": " + member + ": " + detail + " refused");
    }
    if (files.count(path) != 0) {
      return makeError(Errc::kIntegrity, where + ": " + member + ": duplicate member path");
    }
    if (archive_entry_size_is_set(entry) != 0) {
      const la_int64_t declared = archive_entry_size(entry);
      if (declared < 0) {
        return makeError(Errc::kIntegrity, where + ": " + member + ": negative size");
      }
      const auto size = static_cast<std::uint64_t>(declared);
      if (size > limits.max_member_bytes) {
        return makeError(Errc::kIntegrity, where + ": " + member + ": " + std::to_string(size) +
                                               " bytes, larger than the limit of " +
                                               std::to_string(limits.max_member_bytes));
      }
      if (size > limits.max_total_bytes - std::min(total, limits.max_total_bytes)) {
        return makeError(Errc::kIntegrity,
                         where + ": " + member + ": archive content exceeds the limit of " +
                             std::to_string(limits.max_total_bytes) + " bytes uncompressed");
      }
    }

    std::string data;
    if (archive_entry_size_is_set(entry) != 0) {
      // The declared size is a claim, not a fact: reserve a bounded amount and let data grow.
      data.reserve(std::min(static_cast<std::size_t>(archive_entry_size(entry)), kMaxReserveBytes));
    }
    while (true) {
      const la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        return makeError(classifyReadError(a),
                         where + ": " + member + ": " + describeReadFailure(a));
      }
      const auto got = static_cast<std::uint64_t>(n);
      if (data.size() + got > limits.max_member_bytes) {
        return makeError(Errc::kIntegrity, where + ": " + member + ": larger than the limit of " +
                                               std::to_string(limits.max_member_bytes) + " bytes");
      }
      if (got > limits.max_total_bytes - total) {
        return makeError(Errc::kIntegrity,
                         where + ": " + member + ": archive content exceeds the limit of " +
                             std::to_string(limits.max_total_bytes) + " bytes uncompressed");
      }
      total += got;
      data.append(buffer.data(), static_cast<std::size_t>(n));
    }
    files.emplace(path, std::move(data));
    last_member = printable(raw);
  }

  // A path that is both a file and the parent of another file cannot be extracted.
  for (const auto& [path, data] : files) {
    for (std::size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      const std::string parent = path.substr(0, slash);
      if (files.count(parent) != 0) {
        return makeError(Errc::kIntegrity, where + ": member " + printable(parent) +
                                               ": is a file but also the parent directory of " +
                                               printable(path));
      }
    }
  }
  return files;
}

struct MemorySink {
  std::string data;
};

la_ssize_t writeToMemory(struct archive* a, void* client, const void* buf, size_t len) {
  try {
    static_cast<MemorySink*>(client)->data.append(static_cast<const char*>(buf), len);
    return static_cast<la_ssize_t>(len);
  } catch (const std::exception& e) {
    archive_set_error(a, ENOMEM, "cannot buffer the archive in memory: %s", e.what());
    return -1;
  }
}

// The tar.gz every kpatrol archive is: restricted pax, paths as their bytes, gzip without a
// timestamp (the same members always give the same bytes). Returns the step that failed.
std::optional<std::string> configureWriter(struct archive* a) {
  if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK) return "tar format";
  // Paths are written as their bytes (UTF-8 by convention), independent of the process locale.
  if (archive_write_set_format_option(a, "pax", "hdrcharset", "BINARY") != ARCHIVE_OK) {
    return "pax options";
  }
  if (archive_write_add_filter_gzip(a) != ARCHIVE_OK) return "gzip filter";
  if (archive_write_set_filter_option(a, "gzip", "timestamp", nullptr) != ARCHIVE_OK) {
    return "gzip options";
  }
  if (archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK) return "block size";
  return std::nullopt;
}

// A member's path must already be in the normal form the reader accepts.
Status checkMemberPath(const std::string& where, const std::string& path) {
  std::string why;
  const std::string normal = normaliseMemberPath(path, false, why);
  if (normal.empty()) {
    return makeError(Errc::kInvalidArgument, where + ": member " + printable(path) + ": " + why);
  }
  if (normal != path) {
    return makeError(Errc::kInvalidArgument, where + ": member " + printable(path) +
                                                 ": path is not in normal form (" +
                                                 printable(normal) + ")");
  }
  return okStatus();
}

// One regular file, mode 0600, owner 0, time 0. False: libarchive failed (archiveMessage).
bool writeMember(struct archive* a, const std::string& path, std::string_view data) {
  ArchiveEntryPtr entry(archive_entry_new());
  if (!entry) return false;
  archive_entry_set_pathname(entry.get(), path.c_str());
  archive_entry_set_filetype(entry.get(), AE_IFREG);
  archive_entry_set_perm(entry.get(), 0600);
  archive_entry_set_size(entry.get(), static_cast<la_int64_t>(data.size()));
  archive_entry_set_mtime(entry.get(), 0, 0);
  archive_entry_set_uid(entry.get(), 0);
  archive_entry_set_gid(entry.get(), 0);
  if (archive_write_header(a, entry.get()) != ARCHIVE_OK) return false;
  std::size_t offset = 0;
  while (offset < data.size()) {
    const la_ssize_t n = archive_write_data(a, data.data() + offset, data.size() - offset);
    if (n <= 0) return false;
    offset += static_cast<std::size_t>(n);
  }
  return archive_write_finish_entry(a) == ARCHIVE_OK;
}

Status writeArchiveImpl(const fs::path& archive_path,
                        const std::map<std::string, std::string>& files) {
  const std::string where = archive_path.string();
  for (const auto& [path, data] : files) {
    if (auto st = checkMemberPath(where, path); !st) return st;
  }

  WriteArchivePtr writer(archive_write_new());
  if (!writer) return makeError(Errc::kInternal, where + ": cannot allocate an archive writer");
  struct archive* a = writer.get();
  auto fail = [&](const std::string& what) {
    return makeError(Errc::kIo, where + ": " + what + ": " + archiveMessage(a));
  };
  if (auto step = configureWriter(a)) return fail(*step);
  MemorySink sink;
  if (archive_write_open(a, &sink, nullptr, writeToMemory, nullptr) != ARCHIVE_OK) {
    return fail("cannot start archive");
  }

  for (const auto& [path, data] : files) {  // std::map: already sorted by path
    if (!writeMember(a, path, data)) return fail("member " + printable(path));
  }
  if (archive_write_close(a) != ARCHIVE_OK) return fail("cannot finish archive");
  writer.reset();
  return writeFileAtomic(archive_path, sink.data, 0600);
}

// The temporary file a streamed archive is written to; removed unless committed (renamed).
struct TempFile {
  std::filesystem::path path;
  int fd = -1;
  bool committed = false;
  ~TempFile() {
    if (fd >= 0) ::close(fd);
    if (!committed && !path.empty()) {
      std::error_code ec;
      fs::remove(path, ec);
    }
  }
};

Status writeArchiveStreamingImpl(const fs::path& archive_path, const ArchiveProducer& produce) {
  const std::string where = archive_path.string();
  std::error_code ec;
  const fs::path dir = archive_path.has_parent_path() ? archive_path.parent_path() : fs::path(".");
  fs::create_directories(dir, ec);
  if (ec) return makeError(Errc::kIo, dir.string() + ": cannot create directory: " + ec.message());
  TempFile tmp;
  std::random_device rd;
  tmp.path =
      dir / (".kpatrol-tmp-" + std::to_string(rd()) + "-" + archive_path.filename().string());
  tmp.fd = ::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (tmp.fd < 0) {
    tmp.path.clear();
    return makeError(
        Errc::kIo, where + ": cannot create a temporary file next to it: " + std::strerror(errno));
  }

  WriteArchivePtr writer(archive_write_new());
  if (!writer) return makeError(Errc::kInternal, where + ": cannot allocate an archive writer");
  struct archive* a = writer.get();
  auto fail = [&](const std::string& what) {
    return makeError(Errc::kIo, where + ": " + what + ": " + archiveMessage(a));
  };
  if (auto step = configureWriter(a)) return fail(*step);
  if (archive_write_open_fd(a, tmp.fd) != ARCHIVE_OK) return fail("cannot start archive");

  auto add = [&](const std::string& path, std::string_view data) -> Status {
    if (auto st = checkMemberPath(where, path); !st) return st;
    if (!writeMember(a, path, data)) return fail("member " + printable(path));
    return okStatus();
  };
  if (auto s = produce(add); !s) return s;
  if (archive_write_close(a) != ARCHIVE_OK) return fail("cannot finish archive");
  writer.reset();
  if (::fsync(tmp.fd) != 0) {
    return makeError(Errc::kIo, where + ": fsync failed: " + std::strerror(errno));
  }
  ::close(tmp.fd);
  tmp.fd = -1;
  if (::rename(tmp.path.c_str(), archive_path.c_str()) != 0) {
    return makeError(Errc::kIo, where + ": rename failed: " + std::strerror(errno));
  }
  tmp.committed = true;
  return okStatus();
}

}  // namespace

Status writeArchiveStreaming(const fs::path& archive, const ArchiveProducer& produce) {
  try {
    return writeArchiveStreamingImpl(archive, produce);
  } catch (const std::bad_alloc&) {
    return makeError(Errc::kIo, archive.string() + ": out of memory while writing the archive");
  } catch (const std::exception& e) {
    return makeError(Errc::kInternal, archive.string() + ": " + e.what());
  }
}

Result<std::map<std::string, std::string>> readArchive(const fs::path& archive,
                                                       const Limits& limits) {
  try {
    return readArchiveImpl(archive, limits);
  } catch (const std::bad_alloc&) {
    return makeError(Errc::kIo, archive.string() + ": out of memory while reading the archive");
  } catch (const std::exception& e) {
    return makeError(Errc::kInternal, archive.string() + ": " + e.what());
  }
}

Status writeArchive(const fs::path& archive, const std::map<std::string, std::string>& files) {
  try {
    return writeArchiveImpl(archive, files);
  } catch (const std::bad_alloc&) {
    return makeError(Errc::kIo, archive.string() + ": out of memory while writing the archive");
  } catch (const std::exception& e) {
    return makeError(Errc::kInternal, archive.string() + ": " + e.what());
  }
}

}  // namespace kpatrol::bundle
