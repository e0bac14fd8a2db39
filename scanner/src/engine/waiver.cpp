// SPDX-License-Identifier: Apache-2.0
// Waivers: recorded, owned, expiring exceptions (YAML). An expired waiver stops applying and
// is reported, so an exception cannot silently outlive its review date.
#include <yaml-cpp/yaml.h>

#include "kpatrol/core/time.h"
#include "kpatrol/engine/profile.h"

namespace kpatrol::engine {

Result<std::vector<Waiver>> parseWaivers(const std::string& yaml_text, const std::string& origin) {
  std::vector<Waiver> out;
  try {
    const YAML::Node doc = YAML::Load(yaml_text);
    const YAML::Node list = doc.IsMap() ? doc["waivers"] : doc;
    if (!list || !list.IsSequence()) {
      return makeError(Errc::kParse, origin + ": expected 'waivers:' with a list of waivers");
    }
    for (const auto& w : list) {
      const std::string where = origin + ":" + std::to_string(w.Mark().line + 1);
      if (!w.IsMap()) return makeError(Errc::kParse, where + ": each waiver must be a mapping");
      Waiver waiver;
      waiver.line = w.Mark().line + 1;
      auto field = [&](const char* key, std::string& dest, bool required) -> Status {
        if (w[key] && w[key].IsScalar()) {
          dest = w[key].as<std::string>();
        } else if (required) {
          return makeError(Errc::kParse, where + ": waiver needs '" + key + "'");
        }
        return okStatus();
      };
      for (auto [key, dest, required] :
           {std::tuple{"rule", &waiver.rule, true}, std::tuple{"subject", &waiver.subject, false},
            std::tuple{"owner", &waiver.owner, true}, std::tuple{"reason", &waiver.reason, true},
            std::tuple{"expires", &waiver.expires, false}}) {
        if (auto s = field(key, *dest, required); !s) return std::move(s).error();
      }
      if (waiver.subject.empty()) waiver.subject = "*";
      if (!waiver.expires.empty()) {
        auto t = parseRfc3339(waiver.expires);
        if (!t) {
          return makeError(Errc::kParse,
                           where + ": expires '" + waiver.expires + "' is not a date (YYYY-MM-DD)");
        }
        // A date means "through the end of that day".
        waiver.expires_at = waiver.expires.size() == 10 ? *t + 86400 - 1 : *t;
      }
      out.push_back(std::move(waiver));
    }
  } catch (const YAML::Exception& e) {
    return makeError(Errc::kParse, origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return out;
}

}  // namespace kpatrol::engine
