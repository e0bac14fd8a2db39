// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <mutex>

#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {
std::map<std::string, Renderer>& registry() {
  static std::map<std::string, Renderer> renderers;
  return renderers;
}

Result<std::vector<RenderedFile>> renderJsonFile(const ScanData& data, const RenderOptions&) {
  auto text = renderJson(data);
  if (!text) return std::move(text).error();
  return std::vector<RenderedFile>{{".json", std::move(*text)}};
}
}  // namespace

Status forEachFinding(const ScanData& data,
                      const std::function<Status(const model::Finding&)>& fn) {
  if (data.findings_loaded || data.store == nullptr) {
    for (const auto& f : data.findings) {
      if (auto st = fn(f); !st) return st;
    }
    return okStatus();
  }
  return data.store->forEachFinding(data.scan.id, store::Store::FindingColumns::kAll,
                                    [&](model::Finding&& f) { return fn(f); });
}

bool formatStreamsFindings(const std::string& format) {
  return format == "json" || format == "prom";
}

bool registerRenderer(const std::string& format, Renderer renderer) {
  registry()[format] = std::move(renderer);
  return true;
}

std::vector<std::string> renderFormats() {
  std::vector<std::string> out;
  for (const auto& [name, fn] : registry()) out.push_back(name);
  return out;
}

Result<std::vector<RenderedFile>> render(const ScanData& data, const std::string& format,
                                         const RenderOptions& options) {
  auto it = registry().find(format);
  if (it == registry().end()) {
    std::string known;
    for (const auto& name : renderFormats()) known += (known.empty() ? "" : ", ") + name;
    return makeError(Errc::kInvalidArgument,
                     "unknown report format '" + format + "' (known: " + known + ")");
  }
  return it->second(data, options);
}

KPATROL_REGISTER_RENDERER("json", renderJsonFile);

}  // namespace kpatrol::report
