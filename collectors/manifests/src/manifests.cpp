// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/collect/manifests.h"

#include <algorithm>
#include <map>
#include <system_error>
#include <tuple>

#include <spdlog/spdlog.h>

#include "documents.h"
#include "kinds.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/core/time.h"
#include "template_pods.h"

namespace kpatrol::collect {
namespace fs = std::filesystem;
using model::Json;

namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{64} << 20;

bool isManifestFile(const fs::path& p) {
  const auto ext = p.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

// Files named directly are read whatever their extension; directories are walked for
// *.yaml, *.yml and *.json, skipping hidden entries (.git, .helm), in sorted order.
Result<std::vector<fs::path>> manifestFiles(const std::vector<fs::path>& paths) {
  std::vector<fs::path> files;
  for (const auto& path : paths) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      return makeError(Errc::kNotFound, path.string() + ": no such file or directory");
    }
    if (!fs::is_directory(status)) {
      files.push_back(path);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::follow_directory_symlink, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const auto name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory(ec)) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file(ec) && isManifestFile(it->path())) found.push_back(it->path());
    }
    if (ec) return makeError(Errc::kIo, path.string() + ": " + ec.message());
    if (found.empty()) {
      return makeError(Errc::kNotFound,
                       path.string() + ": no manifests (*.yaml, *.yml, *.json) in this directory");
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

class Assembler {
 public:
  // One document (or List) from origin:line.
  void add(Json doc, const std::string& origin, int line) {
    if (doc.is_null()) return;  // empty document ("---" with nothing, or only comments)
    if (doc.is_array()) {       // a JSON array of objects
      for (auto& item : doc) add(std::move(item), origin, line);
      return;
    }
    const std::string where = origin + ":" + std::to_string(line);
    if (!doc.is_object()) {
      spdlog::warn("manifests: {}: skipped a document that is not a mapping", where);
      return;
    }
    const std::string kind =
        doc.contains("kind") && doc["kind"].is_string() ? doc["kind"].get<std::string>() : "";
    if (kind.empty() || !doc.contains("apiVersion")) {
      spdlog::warn(
          "manifests: {}: skipped a mapping with no kind/apiVersion (not a Kubernetes object)",
          where);
      return;
    }
    const std::string api_version =
        doc["apiVersion"].is_string() ? doc["apiVersion"].get<std::string>() : "";
    if (api_version.rfind("kustomize.config.k8s.io/", 0) == 0 ||
        api_version.rfind("config.kubernetes.io/", 0) == 0) {
      return;  // kustomization.yaml and friends configure tools, they are not cluster objects
    }
    if (auto items = doc.find("items");
        kind.size() >= 4 && kind.compare(kind.size() - 4, 4, "List") == 0 && items != doc.end()) {
      // kind: List (kubectl get -o yaml|json) or a typed list (PodList) whose items may lack
      // kind and apiVersion.
      const std::string item_kind = kind == "List" ? "" : kind.substr(0, kind.size() - 4);
      const Json list_api_version = doc["apiVersion"];
      if (!items->is_array()) {
        if (!items->is_null()) spdlog::warn("manifests: {}: {} has no items array", where, kind);
        return;
      }
      for (auto& item : *items) {
        if (item.is_object() && !item_kind.empty()) {
          if (!item.contains("kind")) item["kind"] = item_kind;
          if (!item.contains("apiVersion")) item["apiVersion"] = list_api_version;
        }
        add(std::move(item), origin, line);
      }
      return;
    }
    if (kind == "Secret") {
      ++secrets_;  // never stored
      return;
    }
    const auto info = manifests::kindInfo(kind);
    if (!doc.contains("metadata") || !doc["metadata"].is_object()) doc["metadata"] = Json::object();
    auto& meta = doc["metadata"];
    if (info.known && info.namespaced &&
        (!meta.contains("namespace") || !meta["namespace"].is_string() ||
         meta["namespace"].get<std::string>().empty())) {
      meta["namespace"] = "default";  // where kubectl apply would put it
    }
    if (info.known && !info.namespaced) meta.erase("namespace");
    const std::string name =
        meta.contains("name") && meta["name"].is_string() ? meta["name"].get<std::string>() : "";
    const std::string ns = meta.contains("namespace") && meta["namespace"].is_string()
                               ? meta["namespace"].get<std::string>()
                               : "";
    auto key = std::make_tuple(info.plural, ns, name);
    if (!name.empty()) {
      if (auto seen = index_.find(key); seen != index_.end()) {
        spdlog::warn("manifests: {}: {} {}{} appears again; the later definition wins", where, kind,
                     ns.empty() ? "" : ns + "/", name);
        objects_[info.plural][seen->second] = std::move(doc);
        return;
      }
    }
    auto& list = objects_[info.plural];
    if (!name.empty()) index_.emplace(std::move(key), list.size());
    list.push_back(std::move(doc));
  }

  std::size_t secrets() const { return secrets_; }
  std::size_t objectCount() const {
    std::size_t n = 0;
    for (const auto& [plural, list] : objects_) n += list.size();
    return n;
  }

  Json objects() && {
    Json out = Json::object();
    for (auto& [plural, list] : objects_) {
      Json arr = Json::array();
      for (auto& o : list) arr.push_back(std::move(o));
      out[plural] = std::move(arr);
    }
    return out;
  }

 private:
  std::map<std::string, std::vector<Json>> objects_;  // plural -> objects, in input order
  std::map<std::tuple<std::string, std::string, std::string>, std::size_t> index_;
  std::size_t secrets_ = 0;
};

}  // namespace

Result<model::Json> loadManifests(const std::vector<std::filesystem::path>& paths) {
  if (paths.empty()) return makeError(Errc::kInvalidArgument, "no manifest path given");
  auto files = manifestFiles(paths);
  if (!files) return std::move(files).error();

  Assembler assembler;
  for (const auto& file : *files) {
    auto text = readFile(file, kMaxFileBytes);
    if (!text) return std::move(text).error().withContext("reading manifests");
    auto docs = manifests::parseDocuments(*text, file.string());
    if (!docs) return std::move(docs).error();
    for (auto& doc : *docs) assembler.add(std::move(doc.value), file.string(), doc.line);
  }
  if (assembler.secrets() > 0) {
    spdlog::info("manifests: dropped {} Secret object(s); secrets are never stored",
                 assembler.secrets());
  }
  if (assembler.objectCount() == 0) {
    spdlog::warn("manifests: no Kubernetes objects found in {} file(s)", files->size());
  }

  Json path_list = Json::array();
  for (const auto& p : paths) path_list.push_back(p.string());
  Json doc = Json::object();
  doc["meta"] = {
      {"created_at", nowRfc3339()},
      {"cluster", {{"name", "manifests"}, {"uid", ""}, {"version", ""}, {"flavour", "unknown"}}},
      {"sources", Json::array({Json{{"type", "manifests"}, {"paths", path_list}}})}};
  doc["objects"] = std::move(assembler).objects();
  if (const std::size_t templates = manifests::addTemplatePods(doc["objects"]); templates > 0) {
    doc["meta"]["sources"][0]["template_pods"] = templates;
    spdlog::info("manifests: checking {} workload template(s) as Pods named <workload>-template",
                 templates);
  }
  doc["nodes"] = Json::object();
  doc["errors"] = Json::array();
  return doc;
}

}  // namespace kpatrol::collect
