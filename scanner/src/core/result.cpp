// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/core/result.h"

namespace kpatrol {

const char* errcName(Errc code) noexcept {
  switch (code) {
    case Errc::kInvalidArgument:
      return "invalid-argument";
    case Errc::kNotFound:
      return "not-found";
    case Errc::kParse:
      return "parse";
    case Errc::kIo:
      return "io";
    case Errc::kIntegrity:
      return "integrity";
    case Errc::kUnsupported:
      return "unsupported";
    case Errc::kRuleError:
      return "rule-error";
    case Errc::kTimeout:
      return "timeout";
    case Errc::kCancelled:
      return "cancelled";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kPermission:
      return "permission";
    case Errc::kInternal:
      return "internal";
  }
  return "internal";
}

}  // namespace kpatrol
