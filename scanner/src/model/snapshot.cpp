// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/model/snapshot.h"

#include <algorithm>

#include "kpatrol/core/embedded.h"
#include "kpatrol/core/fs.h"

namespace kpatrol::model {
namespace fs = std::filesystem;

namespace {

std::size_t scopeIndex(Scope scope) { return static_cast<std::size_t>(scope); }

std::string str(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<Json> parseJson(const std::string& text, const std::string& where) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    return makeError(Errc::kParse, where + ": malformed JSON: " + e.what());
  }
}

// managedFields is large: its fieldsV1 trees are most of an object's size, and no rule reads
// them. Each entry keeps who applied the object with which API version and when (upgrade
// rules look for removed versions there).
void trimObject(Json& object) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return;
  auto fields = meta->find("managedFields");
  if (fields == meta->end()) return;
  if (!fields->is_array()) {
    meta->erase(fields);
    return;
  }
  for (auto& entry : *fields) {
    if (!entry.is_object()) continue;
    entry.erase("fieldsV1");
    entry.erase("fieldsType");
  }
}

Result<Json> listItems(Json doc, const std::string& where) {
  if (doc.is_array()) return doc;
  if (!doc.is_object()) return makeError(Errc::kParse, where + ": expected a List object");
  auto items = doc.find("items");
  if (items == doc.end() || !(items->is_array() || items->is_null())) {
    return makeError(Errc::kParse, where + ": expected a List with an \"items\" array");
  }
  return items->is_null() ? Json::array() : std::move(*items);
}

Result<std::vector<CollectionError>> parseErrors(const Json& doc, const std::string& where) {
  if (!doc.is_array()) return makeError(Errc::kParse, where + ": expected an array of errors");
  std::vector<CollectionError> errors;
  for (const auto& e : doc) {
    if (!e.is_object()) return makeError(Errc::kParse, where + ": each error must be an object");
    CollectionError ce{str(e, "subject"), str(e, "fact"), str(e, "source"), str(e, "message")};
    if (ce.subject.empty() || ce.message.empty()) {
      return makeError(Errc::kParse, where + ": each error needs \"subject\" and \"message\"");
    }
    if (ce.fact.empty()) ce.fact = "*";
    errors.push_back(std::move(ce));
  }
  return errors;
}

void parseMeta(const Json& doc, SnapshotMeta& meta) {
  if (!doc.is_object()) return;
  if (auto v = doc.find("schema_version"); v != doc.end() && v->is_number_integer()) {
    meta.schema_version = v->get<int>();
  }
  meta.created_at = str(doc, "created_at");
  meta.tool_version = str(doc, "tool_version");
  if (auto c = doc.find("cluster"); c != doc.end() && c->is_object()) {
    meta.cluster_name = str(*c, "name");
    meta.cluster_uid = str(*c, "uid");
    meta.cluster_version = str(*c, "version");
    meta.flavour = str(*c, "flavour");
  }
  if (auto s = doc.find("sources"); s != doc.end() && s->is_array()) meta.sources = *s;
}

Json metaToJson(const SnapshotMeta& meta) {
  Json j = Json::object();
  j["schema_version"] = meta.schema_version;
  j["created_at"] = meta.created_at;
  j["cluster"] = {{"name", meta.cluster_name},
                  {"uid", meta.cluster_uid},
                  {"version", meta.cluster_version},
                  {"flavour", meta.flavour}};
  j["tool_version"] = meta.tool_version;
  j["sources"] = meta.sources;
  return j;
}

bool isSafeName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." &&
         name.find_first_of("/\\") == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

Result<SnapshotPtr> Snapshot::fromFiles(const std::map<std::string, std::string>& files,
                                        const std::string& origin) {
  std::shared_ptr<Snapshot> snap(new Snapshot());
  auto meta_it = files.find("snapshot.json");
  if (meta_it == files.end()) {
    return makeError(Errc::kInvalidArgument,
                     origin + ": not a kpatrol snapshot (snapshot.json is missing)");
  }
  auto meta = parseJson(meta_it->second, origin + "/snapshot.json");
  if (!meta) return std::move(meta).error();
  parseMeta(*meta, snap->meta_);
  if (snap->meta_.schema_version > kSnapshotSchemaVersion) {
    return makeError(Errc::kUnsupported, origin + "/snapshot.json: schema_version " +
                                             std::to_string(snap->meta_.schema_version) +
                                             " is newer than this kpatrol supports (" +
                                             std::to_string(kSnapshotSchemaVersion) +
                                             "); upgrade kpatrol");
  }
  for (const auto& [path, text] : files) {
    const std::string where = origin + "/" + path;
    if (path == "errors.json") {
      auto doc = parseJson(text, where);
      if (!doc) return std::move(doc).error();
      auto errors = parseErrors(*doc, where);
      if (!errors) return std::move(errors).error();
      snap->errors_ = std::move(*errors);
    } else if (path.starts_with("objects/") && path.ends_with(".json")) {
      const std::string plural = path.substr(8, path.size() - 13);
      if (!isSafeName(plural)) return makeError(Errc::kInvalidArgument, where + ": bad kind name");
      auto doc = parseJson(text, where);
      if (!doc) return std::move(doc).error();
      auto items = listItems(std::move(*doc), where);
      if (!items) return std::move(items).error();
      for (auto& item : *items) {
        if (!item.is_object())
          return makeError(Errc::kParse, where + ": list items must be objects");
        trimObject(item);
      }
      snap->objects_[plural] = std::move(*items);
    } else if (path.starts_with("nodes/") && path.ends_with(".json")) {
      const std::string node = path.substr(6, path.size() - 11);
      if (!isSafeName(node)) return makeError(Errc::kInvalidArgument, where + ": bad node name");
      auto doc = parseJson(text, where);
      if (!doc) return std::move(doc).error();
      auto facts = doc->find("facts");
      if (!doc->is_object() || facts == doc->end() || !facts->is_object()) {
        return makeError(Errc::kParse, where + ": expected {\"facts\": {...}}");
      }
      snap->node_facts_[node] = std::move(*facts);
    }
  }
  snap->index();
  return SnapshotPtr(std::move(snap));
}

Result<SnapshotPtr> Snapshot::loadDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return makeError(Errc::kNotFound, dir.string() + ": no such snapshot directory");
  }
  std::map<std::string, std::string> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), dir).generic_string();
    if (rel != "snapshot.json" && rel != "errors.json" && !rel.starts_with("objects/") &&
        !rel.starts_with("nodes/")) {
      continue;  // raw evidence and bundle manifests are not needed to evaluate
    }
    auto text = readFile(it->path());
    if (!text) return std::move(text).error();
    files.emplace(rel, std::move(*text));
  }
  if (ec) return makeError(Errc::kIo, dir.string() + ": " + ec.message());
  return fromFiles(files, dir.string());
}

Result<SnapshotPtr> Snapshot::loadDemo() {
  std::map<std::string, std::string> files;
  for (const auto& f : demoSnapshotFiles()) files.emplace(std::string(f.path), std::string(f.data));
  return fromFiles(files, "demo");
}

Result<SnapshotPtr> Snapshot::fromJson(const Json& doc, const std::string& origin) {
  return fromJson(Json(doc), origin);
}

Result<SnapshotPtr> Snapshot::fromJson(Json&& doc, const std::string& origin) {
  if (!doc.is_object()) return makeError(Errc::kParse, origin + ": snapshot must be a mapping");
  std::shared_ptr<Snapshot> snap(new Snapshot());
  if (auto m = doc.find("meta"); m != doc.end()) {
    parseMeta(*m, snap->meta_);
  }
  if (snap->meta_.created_at.empty()) snap->meta_.created_at = "2026-01-01T00:00:00Z";
  if (auto o = doc.find("objects"); o != doc.end()) {
    if (!o->is_object()) return makeError(Errc::kParse, origin + ": \"objects\" must be a mapping");
    for (auto& [plural, items] : o->items()) {
      auto list = listItems(std::move(items), origin + ": objects." + plural);
      if (!list) return std::move(list).error();
      for (auto& item : *list) {
        if (!item.is_object()) {
          return makeError(Errc::kParse,
                           origin + ": objects." + plural + " items must be mappings");
        }
        trimObject(item);
      }
      snap->objects_[plural] = std::move(*list);
    }
  }
  if (auto n = doc.find("nodes"); n != doc.end()) {
    if (!n->is_object()) return makeError(Errc::kParse, origin + ": \"nodes\" must be a mapping");
    for (auto& [name, facts] : n->items()) {
      if (!facts.is_object()) {
        return makeError(Errc::kParse, origin + ": nodes." + name + " must be a mapping of facts");
      }
      snap->node_facts_[name] = std::move(facts);
    }
  }
  if (auto e = doc.find("errors"); e != doc.end()) {
    auto errors = parseErrors(*e, origin + ": errors");
    if (!errors) return std::move(errors).error();
    snap->errors_ = std::move(*errors);
  }
  snap->index();
  return SnapshotPtr(std::move(snap));
}

std::map<std::string, std::string> Snapshot::toFiles() const {
  std::map<std::string, std::string> files;
  auto put = [&](const std::string& rel, const Json& j) { files[rel] = j.dump(1) + "\n"; };
  put("snapshot.json", metaToJson(meta_));
  Json errors = Json::array();
  for (const auto& e : errors_) {
    errors.push_back(
        {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
  }
  put("errors.json", errors);
  for (const auto& [plural, items] : objects_) {
    put("objects/" + plural + ".json",
        Json{{"apiVersion", "v1"}, {"kind", "List"}, {"items", items}});
  }
  for (const auto& [node, facts] : node_facts_)
    put("nodes/" + node + ".json", Json{{"facts", facts}});
  return files;
}

Status Snapshot::writeDirectory(const fs::path& dir) const {
  for (const auto& [rel, text] : toFiles()) {
    if (auto s = writeFileAtomic(dir / rel, text); !s) return s;
  }
  return okStatus();
}

const Json* Snapshot::objects(std::string_view plural) const {
  auto it = objects_.find(plural);
  return it == objects_.end() ? nullptr : &it->second;
}

std::vector<std::string> Snapshot::kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : objects_) out.push_back(k);
  return out;
}

const Json* Snapshot::nodeFacts(std::string_view node) const {
  auto it = node_facts_.find(node);
  return it == node_facts_.end() ? nullptr : &it->second;
}

std::span<const Subject> Snapshot::subjects(Scope scope) const {
  return subjects_[scopeIndex(scope)];
}

std::size_t Snapshot::objectCount() const noexcept {
  std::size_t n = 0;
  for (const auto& [k, v] : objects_) n += v.size();
  return n;
}

const CollectionError* Snapshot::errorFor(std::string_view subject_id,
                                          std::string_view fact) const {
  // Candidates: the subject's errors and the "*" ones, in their original order.
  std::vector<std::size_t> candidates;
  for (std::string_view key : {subject_id, std::string_view("*")}) {
    if (auto it = errors_by_subject_.find(key); it != errors_by_subject_.end()) {
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
    }
  }
  std::sort(candidates.begin(), candidates.end());
  for (const std::size_t i : candidates) {
    const CollectionError& e = errors_[i];
    if (e.fact == "*" || e.fact == fact) return &e;
    // "kubelet" explains "kubelet.config"; an error on "kubelet.config" explains a missing
    // "kubelet" too.
    if (fact.starts_with(e.fact) && fact.size() > e.fact.size() && fact[e.fact.size()] == '.') {
      return &e;
    }
    if (std::string_view(e.fact).starts_with(fact) && e.fact.size() > fact.size() &&
        e.fact[fact.size()] == '.') {
      return &e;
    }
  }
  return nullptr;
}

void Snapshot::index() {
  for (std::size_t i = 0; i < errors_.size(); ++i) {
    errors_by_subject_[errors_[i].subject].push_back(i);
  }
  subjects_[scopeIndex(Scope::kCluster)].push_back(
      Subject{Scope::kCluster, "cluster", "Cluster", meta_.cluster_name, "", nullptr, nullptr});

  auto metaOf = [](const Json& obj, std::string& name, std::string& ns) {
    if (auto m = obj.find("metadata"); m != obj.end() && m->is_object()) {
      name = str(*m, "name");
      ns = str(*m, "namespace");
    }
  };
  auto& nodes = subjects_[scopeIndex(Scope::kNode)];
  if (const Json* list = objects("nodes")) {
    for (const auto& obj : *list) {
      Subject s{Scope::kNode, "", "Node", "", "", &obj, nullptr};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = "node/" + s.name;
      s.facts = nodeFacts(s.name);
      nodes.push_back(std::move(s));
    }
  }
  for (const auto& [name, facts] : node_facts_) {
    const bool known = std::any_of(nodes.begin(), nodes.end(),
                                   [&n = name](const Subject& s) { return s.name == n; });
    if (!known)
      nodes.push_back(Subject{Scope::kNode, "node/" + name, "Node", name, "", nullptr, &facts});
  }
  if (const Json* list = objects("namespaces")) {
    for (const auto& obj : *list) {
      Subject s{Scope::kNamespace, "", "Namespace", "", "", &obj, nullptr};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = "namespace/" + s.name;
      subjects_[scopeIndex(Scope::kNamespace)].push_back(std::move(s));
    }
  }
  for (const auto& wk : kWorkloadKinds) {
    const Json* list = objects(wk.plural);
    if (list == nullptr) continue;
    std::string lower(wk.kind);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const auto& obj : *list) {
      Subject s{Scope::kWorkload, "", std::string(wk.kind), "", "", &obj, nullptr};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = lower + "/" + s.namespace_ + "/" + s.name;
      subjects_[scopeIndex(Scope::kWorkload)].push_back(std::move(s));
    }
  }
  if (const Json* list = objects("pods")) {
    for (const auto& obj : *list) {
      Subject s{Scope::kPod, "", "Pod", "", "", &obj, nullptr};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = "pod/" + s.namespace_ + "/" + s.name;
      subjects_[scopeIndex(Scope::kPod)].push_back(std::move(s));
    }
  }
  for (auto& list : subjects_) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Subject& a, const Subject& b) { return a.id < b.id; });
  }
}

}  // namespace kpatrol::model
