// SPDX-License-Identifier: Apache-2.0
// Expected failures are values: every fallible operation across a module boundary returns
// Result<T>. Exceptions stay inside a module and are converted here.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kpatrol {

/// Broad class of a failure; the message carries the specifics (what, which input, why).
enum class Errc {
  kInvalidArgument,  // the caller's input is wrong (bad flag, bad file content)
  kNotFound,         // a named thing does not exist
  kParse,            // malformed text (YAML, JSON, Lua, archive)
  kIo,               // the filesystem or a stream failed
  kIntegrity,        // checksum mismatch, truncated data, unsafe archive member
  kUnsupported,      // a valid request this build cannot serve
  kRuleError,        // a rule failed to load or evaluate
  kTimeout,
  kCancelled,
  kUnavailable,  // a server or host could not be reached (connect, DNS, TLS, dropped link)
  kPermission,   // authentication or authorization refused (401, 403, SSH auth, host key)
  kInternal,
};

const char* errcName(Errc code) noexcept;

struct Error {
  Errc code = Errc::kInternal;
  std::string message;

  /// Prefixes context ("reading fixtures/demo/snapshot.json: ") onto the message.
  Error withContext(const std::string& context) const {
    return Error{code, context + ": " + message};
  }
};

inline Error makeError(Errc code, std::string message) { return Error{code, std::move(message)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : data_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return data_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &std::get<0>(data_); }
  const T* operator->() const { return &std::get<0>(data_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const& { return std::get<1>(data_); }
  Error&& error() && { return std::get<1>(std::move(data_)); }

 private:
  std::variant<T, Error> data_;
};

/// Result of an operation with no value.
struct Ok {};
using Status = Result<Ok>;
inline Status okStatus() { return Ok{}; }

}  // namespace kpatrol
