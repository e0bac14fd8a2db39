// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/model/snapshot.h"

#include <algorithm>
#include <type_traits>

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
  } catch (const Json::exception& e) {  // parse_error; out_of_range for a number like 8e581286
    return makeError(Errc::kParse, where + ": malformed JSON: " + e.what());
  }
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

// managedFields is large: its fieldsV1 trees are most of an object's size, and no rule reads
// them. Each entry keeps who applied the object with which API version and when (upgrade rules
// look for removed versions there): the builder drops fieldsV1/fieldsType while parsing
// (Trim::kListDocument), so they are never stored.
Status Snapshot::addObjects(const std::string& plural, JsonView doc, const std::string& where) {
  JsonView items;
  if (doc.is_array()) {
    items = doc;
  } else if (!doc.is_object()) {
    return makeError(Errc::kParse, where + ": expected a List object");
  } else {
    items = doc.find("items");
    if (!items || !(items.is_array() || items.is_null())) {
      return makeError(Errc::kParse, where + ": expected a List with an \"items\" array");
    }
    if (items.is_null()) items = store_->emptyArray();
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_object())
      return makeError(Errc::kParse, where + ": list items must be objects");
  }
  objects_[plural] = items;
  return okStatus();
}

Status Snapshot::addFile(const std::string& path, std::string_view text, const std::string& where,
                         JsonBuilder& builder) {
  if (path == "errors.json") {
    auto doc = parseJson(std::string(text), where);
    if (!doc) return std::move(doc).error();
    auto errors = parseErrors(*doc, where);
    if (!errors) return std::move(errors).error();
    errors_ = std::move(*errors);
  } else if (path.starts_with("objects/") && path.ends_with(".json")) {
    const std::string plural = path.substr(8, path.size() - 13);
    if (!isSafeName(plural)) return makeError(Errc::kInvalidArgument, where + ": bad kind name");
    auto doc = builder.parse(text, where, Trim::kListDocument);
    if (!doc) return std::move(doc).error();
    return addObjects(plural, *doc, where);
  } else if (path.starts_with("nodes/") && path.ends_with(".json")) {
    const std::string node = path.substr(6, path.size() - 11);
    if (!isSafeName(node)) return makeError(Errc::kInvalidArgument, where + ": bad node name");
    auto doc = builder.parse(text, where);
    if (!doc) return std::move(doc).error();
    const JsonView facts = doc->is_object() ? doc->find("facts") : JsonView();
    if (!facts || !facts.is_object()) {
      return makeError(Errc::kParse, where + ": expected {\"facts\": {...}}");
    }
    node_facts_[node] = facts;
  }
  return okStatus();
}

namespace {

Status readMeta(std::string_view text, const std::string& origin, SnapshotMeta& meta) {
  auto doc = parseJson(std::string(text), origin + "/snapshot.json");
  if (!doc) return std::move(doc).error();
  parseMeta(*doc, meta);
  if (meta.schema_version > kSnapshotSchemaVersion) {
    return makeError(Errc::kUnsupported, origin + "/snapshot.json: schema_version " +
                                             std::to_string(meta.schema_version) +
                                             " is newer than this kpatrol supports (" +
                                             std::to_string(kSnapshotSchemaVersion) +
                                             "); upgrade kpatrol");
  }
  return okStatus();
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
  if (auto s = readMeta(meta_it->second, origin, snap->meta_); !s) return std::move(s).error();
  JsonBuilder builder(*snap->store_);
  for (const auto& [path, text] : files) {
    if (auto s = snap->addFile(path, text, origin + "/" + path, builder); !s) {
      return std::move(s).error();
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
  // Paths first, then one file at a time: its text is dropped once parsed into the store.
  std::vector<std::string> rels;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string rel = fs::relative(it->path(), dir).generic_string();
    if (rel != "snapshot.json" && rel != "errors.json" && !rel.starts_with("objects/") &&
        !rel.starts_with("nodes/")) {
      continue;  // raw evidence and bundle manifests are not needed to evaluate
    }
    rels.push_back(rel);
  }
  if (ec) return makeError(Errc::kIo, dir.string() + ": " + ec.message());
  std::sort(rels.begin(), rels.end());
  const std::string origin = dir.string();
  if (std::find(rels.begin(), rels.end(), "snapshot.json") == rels.end()) {
    return makeError(Errc::kInvalidArgument,
                     origin + ": not a kpatrol snapshot (snapshot.json is missing)");
  }
  std::shared_ptr<Snapshot> snap(new Snapshot());
  {
    auto text = readFile(dir / "snapshot.json");
    if (!text) return std::move(text).error();
    if (auto s = readMeta(*text, origin, snap->meta_); !s) return std::move(s).error();
  }
  JsonBuilder builder(*snap->store_);
  for (const auto& rel : rels) {
    auto text = readFile(dir / rel);
    if (!text) return std::move(text).error();
    if (auto s = snap->addFile(rel, *text, origin + "/" + rel, builder); !s) {
      return std::move(s).error();
    }
  }
  snap->index();
  return SnapshotPtr(std::move(snap));
}

Result<SnapshotPtr> Snapshot::loadDemo() {
  std::map<std::string, std::string> files;
  for (const auto& f : demoSnapshotFiles()) files.emplace(std::string(f.path), std::string(f.data));
  return fromFiles(files, "demo");
}

Result<SnapshotPtr> Snapshot::fromJson(const Json& doc, const std::string& origin) {
  return buildFromJson(doc, origin);  // read in place: no copy of the document
}

Result<SnapshotPtr> Snapshot::fromJson(Json&& doc, const std::string& origin) {
  return buildFromJson(doc, origin);
}

Result<SnapshotPtr> Snapshot::fromDraft(SnapshotDraft&& draft, const std::string& origin) {
  if (!draft.doc.is_object()) {
    return makeError(Errc::kParse, origin + ": snapshot must be a mapping");
  }
  std::shared_ptr<Snapshot> snap(new Snapshot());
  snap->store_ = std::move(draft.store);
  snap->objects_ = std::move(draft.objects);
  draft.store = std::make_unique<JsonStore>();  // the moved-from draft stays usable (empty)
  draft.objects.clear();
  if (auto s = readDocument(*snap, draft.doc, origin); !s) return std::move(s).error();
  draft.doc = Json::object();
  snap->index();
  return SnapshotPtr(std::move(snap));
}

template <class J>
Result<SnapshotPtr> Snapshot::buildFromJson(J& doc, const std::string& origin) {
  if (!doc.is_object()) return makeError(Errc::kParse, origin + ": snapshot must be a mapping");
  std::shared_ptr<Snapshot> snap(new Snapshot());
  if (auto s = readDocument(*snap, doc, origin); !s) return std::move(s).error();
  snap->index();
  return SnapshotPtr(std::move(snap));
}

template <class J>
Status Snapshot::readDocument(Snapshot& snapshot, J& doc, const std::string& origin) {
  constexpr bool kConsume = !std::is_const_v<J>;
  Snapshot* snap = &snapshot;
  if (auto m = doc.find("meta"); m != doc.end()) {
    parseMeta(*m, snap->meta_);
  }
  if (snap->meta_.created_at.empty()) snap->meta_.created_at = "2026-01-01T00:00:00Z";
  JsonBuilder builder(*snap->store_);
  if (auto o = doc.find("objects"); o != doc.end()) {
    if (!o->is_object()) return makeError(Errc::kParse, origin + ": \"objects\" must be a mapping");
    for (auto& [plural, items] : o->items()) {
      const std::string where = origin + ": objects." + plural;
      if (items.is_object() && !items.contains("items")) {
        return makeError(Errc::kParse, where + ": expected a List with an \"items\" array");
      }
      auto view = builder.add(items, Trim::kListDocument);
      if (!view) return std::move(view).error();
      if constexpr (kConsume) items = nullptr;  // consumed: released kind by kind
      if (auto s = snap->addObjects(plural, *view, where); !s) {
        if (s.error().message.ends_with("list items must be objects")) {
          return makeError(Errc::kParse, where + " items must be mappings");
        }
        return std::move(s).error();
      }
    }
  }
  if (auto n = doc.find("nodes"); n != doc.end()) {
    if (!n->is_object()) return makeError(Errc::kParse, origin + ": \"nodes\" must be a mapping");
    for (auto& [name, facts] : n->items()) {
      if (!facts.is_object()) {
        return makeError(Errc::kParse, origin + ": nodes." + name + " must be a mapping of facts");
      }
      auto view = builder.add(facts);
      if (!view) return std::move(view).error();
      if constexpr (kConsume) facts = nullptr;
      snap->node_facts_[name] = *view;
    }
  }
  if (auto e = doc.find("errors"); e != doc.end()) {
    auto errors = parseErrors(*e, origin + ": errors");
    if (!errors) return std::move(errors).error();
    snap->errors_ = std::move(*errors);
  }
  return okStatus();
}

Json SnapshotDraft::objectsJson(std::string_view plural) const {
  if (auto it = objects.find(plural); it != objects.end()) return it->second.toJson();
  if (auto o = doc.find("objects"); o != doc.end() && o->is_object()) {
    if (auto k = o->find(std::string(plural)); k != o->end()) {
      if (k->is_array()) return *k;
      if (k->is_object() && k->contains("items") && (*k)["items"].is_array()) return (*k)["items"];
    }
  }
  return Json::array();
}

std::size_t SnapshotDraft::objectCount() const {
  std::size_t n = 0;
  for (const auto& [plural, items] : objects) n += items.size();
  if (auto o = doc.find("objects"); o != doc.end() && o->is_object()) {
    for (const auto& [plural, items] : o->items()) n += items.size();
  }
  return n;
}

std::size_t SnapshotDraft::kindCount() const {
  std::size_t n = objects.size();
  if (auto o = doc.find("objects"); o != doc.end() && o->is_object()) n += o->size();
  return n;
}

Status Snapshot::forEachFile(
    const std::function<Status(const std::string& rel, std::string_view text)>& fn) const {
  // Path order, as a std::map<path, text> would give: errors, nodes/, objects/, snapshot.json.
  std::string text;
  {
    Json errors = Json::array();
    for (const auto& e : errors_) {
      errors.push_back(
          {{"subject", e.subject}, {"fact", e.fact}, {"source", e.source}, {"message", e.message}});
    }
    text = errors.dump(1) + "\n";
    if (auto s = fn("errors.json", text); !s) return s;
  }
  for (const auto& [node, facts] : node_facts_) {
    text = "{\n \"facts\": ";
    facts.dump(text, 1, 1);
    text += "\n}\n";
    if (auto s = fn("nodes/" + node + ".json", text); !s) return s;
  }
  for (const auto& [plural, items] : objects_) {
    text = "{\n \"apiVersion\": \"v1\",\n \"kind\": \"List\",\n \"items\": ";
    items.dump(text, 1, 1);
    text += "\n}\n";
    if (auto s = fn("objects/" + plural + ".json", text); !s) return s;
  }
  text = metaToJson(meta_).dump(1) + "\n";
  return fn("snapshot.json", text);
}

std::map<std::string, std::string> Snapshot::toFiles() const {
  std::map<std::string, std::string> files;
  (void)forEachFile([&](const std::string& rel, std::string_view text) {
    files.emplace(rel, std::string(text));
    return okStatus();
  });
  return files;
}

Status Snapshot::writeDirectory(const fs::path& dir) const {
  return forEachFile([&](const std::string& rel, std::string_view text) {
    return writeFileAtomic(dir / rel, text);
  });
}

JsonView Snapshot::objects(std::string_view plural) const {
  auto it = objects_.find(plural);
  return it == objects_.end() ? JsonView() : it->second;
}

const Json& Snapshot::objectsJson(std::string_view plural) const {
  std::lock_guard<std::mutex> lock(json_mutex_);
  if (auto it = json_cache_.find(plural); it != json_cache_.end()) return it->second;
  const JsonView list = objects(plural);
  return json_cache_.emplace(std::string(plural), list ? list.toJson() : Json::array())
      .first->second;
}

std::vector<std::string> Snapshot::kinds() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : objects_) out.push_back(k);
  return out;
}

JsonView Snapshot::nodeFacts(std::string_view node) const {
  auto it = node_facts_.find(node);
  return it == node_facts_.end() ? JsonView() : it->second;
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
      Subject{Scope::kCluster, "cluster", "Cluster", meta_.cluster_name, "", {}, {}});

  auto metaOf = [](JsonView obj, std::string& name, std::string& ns) {
    if (JsonView m = obj.find("metadata"); m && m.is_object()) {
      name = std::string(m.find("name") ? m.find("name").stringOr() : "");
      ns = std::string(m.find("namespace") ? m.find("namespace").stringOr() : "");
    }
  };
  auto& nodes = subjects_[scopeIndex(Scope::kNode)];
  if (const JsonView list = objects("nodes")) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonView obj = list[i];
      Subject s{Scope::kNode, "", "Node", "", "", obj, {}};
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
    if (!known) nodes.push_back(Subject{Scope::kNode, "node/" + name, "Node", name, "", {}, facts});
  }
  if (const JsonView list = objects("namespaces")) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonView obj = list[i];
      Subject s{Scope::kNamespace, "", "Namespace", "", "", obj, {}};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = "namespace/" + s.name;
      subjects_[scopeIndex(Scope::kNamespace)].push_back(std::move(s));
    }
  }
  for (const auto& wk : kWorkloadKinds) {
    const JsonView list = objects(wk.plural);
    if (!list) continue;
    std::string lower(wk.kind);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonView obj = list[i];
      Subject s{Scope::kWorkload, "", std::string(wk.kind), "", "", obj, {}};
      metaOf(obj, s.name, s.namespace_);
      if (s.name.empty()) continue;
      s.id = lower + "/" + s.namespace_ + "/" + s.name;
      subjects_[scopeIndex(Scope::kWorkload)].push_back(std::move(s));
    }
  }
  if (const JsonView list = objects("pods")) {
    for (std::size_t i = 0; i < list.size(); ++i) {
      const JsonView obj = list[i];
      Subject s{Scope::kPod, "", "Pod", "", "", obj, {}};
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
