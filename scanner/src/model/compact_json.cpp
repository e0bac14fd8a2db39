// SPDX-License-Identifier: Apache-2.0
#include "kpatrol/model/compact_json.h"

#include <algorithm>
#include <cstring>

#include <simdjson.h>

namespace kpatrol::model {
namespace {

using compact::Node;

constexpr std::size_t kNodeBlock = 1 << 16;  // nodes (1 MiB)
constexpr std::size_t kCharBlock = 1 << 20;  // bytes

Node scalar(JsonType type, std::uint32_t key) {
  Node n;
  n.key = key;
  n.type_len = static_cast<std::uint32_t>(type);
  return n;
}

// The walk state that implements Trim::kListDocument (see snapshot.cpp: managedFields).
enum class Level { kNone, kListDoc, kItems, kItem, kMeta, kManaged, kEntry };

Level childLevel(Level parent, std::string_view key, bool child_is_array) {
  switch (parent) {
    case Level::kListDoc:
      return key == "items" ? Level::kItems : Level::kNone;
    case Level::kItems:
      return Level::kItem;
    case Level::kItem:
      return key == "metadata" ? Level::kMeta : Level::kNone;
    case Level::kMeta:
      return key == "managedFields" && child_is_array ? Level::kManaged : Level::kNone;
    case Level::kManaged:
      return Level::kEntry;
    default:
      return Level::kNone;
  }
}

// Whether the member `key` of an object at `level` is left out.
bool skipMember(Level level, std::string_view key, bool value_is_array) {
  if (level == Level::kEntry) return key == "fieldsV1" || key == "fieldsType";
  if (level == Level::kMeta) return key == "managedFields" && !value_is_array;
  return false;
}

Level rootLevel(Trim trim, bool root_is_array) {
  if (trim != Trim::kListDocument) return Level::kNone;
  return root_is_array ? Level::kItems : Level::kListDoc;
}

void escapeString(std::string& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c <= 0x1F) {
          static const char* kHex = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[c >> 4]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

}  // namespace

// --- store -----------------------------------------------------------------------------------

JsonStore::JsonStore() {
  empty_[0].type_len = static_cast<std::uint32_t>(JsonType::kArray);
  empty_[0].first = nullptr;
  empty_[1].type_len = static_cast<std::uint32_t>(JsonType::kObject);
  empty_[1].first = nullptr;
}

Node* JsonStore::allocNodes(std::size_t n) {
  if (n > kNodeBlock / 4) {  // a large array (a list of pods) gets a block of its own
    node_blocks_.push_back(std::make_unique<Node[]>(n));
    bytes_ += n * sizeof(Node);
    Node* p = node_blocks_.back().get();
    // keep filling the current block afterwards
    if (node_blocks_.size() >= 2 && node_cap_ != 0) {
      std::swap(node_blocks_[node_blocks_.size() - 1], node_blocks_[node_blocks_.size() - 2]);
    }
    return p;
  }
  if (node_used_ + n > node_cap_) {
    node_blocks_.push_back(std::make_unique<Node[]>(kNodeBlock));
    bytes_ += kNodeBlock * sizeof(Node);
    node_used_ = 0;
    node_cap_ = kNodeBlock;
  }
  Node* p = node_blocks_.back().get() + node_used_;
  node_used_ += n;
  return p;
}

const char* JsonStore::allocChars(std::string_view s) {
  if (s.empty()) return "";
  if (s.size() > kCharBlock / 4) {
    char_blocks_.push_back(std::make_unique<char[]>(s.size()));
    bytes_ += s.size();
    char* p = char_blocks_.back().get();
    std::memcpy(p, s.data(), s.size());
    if (char_blocks_.size() >= 2 && char_cap_ != 0) {
      std::swap(char_blocks_[char_blocks_.size() - 1], char_blocks_[char_blocks_.size() - 2]);
    }
    return p;
  }
  if (char_used_ + s.size() > char_cap_) {
    char_blocks_.push_back(std::make_unique<char[]>(kCharBlock));
    bytes_ += kCharBlock;
    char_used_ = 0;
    char_cap_ = kCharBlock;
  }
  char* p = char_blocks_.back().get() + char_used_;
  std::memcpy(p, s.data(), s.size());
  char_used_ += s.size();
  return p;
}

std::uint32_t JsonStore::intern(std::string_view key) {
  if (auto it = key_ids_.find(key); it != key_ids_.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(keys_.size());
  auto [it, inserted] = key_ids_.emplace(std::string(key), id);
  keys_.push_back(it->first);
  bytes_ += key.size() + 64;
  return id;
}

std::int64_t JsonStore::keyId(std::string_view key) const noexcept {
  auto it = key_ids_.find(key);
  return it == key_ids_.end() ? -1 : static_cast<std::int64_t>(it->second);
}

// --- building --------------------------------------------------------------------------------

struct BuildWalk {
  JsonBuilder& b;
  std::vector<std::uint32_t> scratch_;

  std::vector<Node>& stack() { return b.stack_; }

  Status pushString(std::string_view s, std::uint32_t key) {
    if (s.size() > compact::kMaxLen) {
      return makeError(Errc::kUnsupported, "a JSON string is larger than 256 MiB");
    }
    Node n = scalar(JsonType::kString, key);
    n.type_len |= static_cast<std::uint32_t>(s.size()) << 4;
    n.s = b.store_.allocChars(s);
    stack().push_back(n);
    return okStatus();
  }

  // A duplicate key keeps the first member's position with the last member's value, as
  // nlohmann's parser does. Rare: checked with a scan for small objects, a sort for large ones.
  void dedupe(std::size_t start) {
    auto& st = stack();
    const std::size_t n = st.size() - start;
    bool dup = false;
    if (n <= 16) {
      for (std::size_t i = start; i < st.size() && !dup; ++i) {
        for (std::size_t j = i + 1; j < st.size() && !dup; ++j) dup = st[i].key == st[j].key;
      }
    } else {
      scratch_.clear();
      for (std::size_t i = start; i < st.size(); ++i) scratch_.push_back(st[i].key);
      std::sort(scratch_.begin(), scratch_.end());
      dup = std::adjacent_find(scratch_.begin(), scratch_.end()) != scratch_.end();
    }
    if (!dup) return;
    std::vector<Node> kept;
    for (std::size_t i = start; i < st.size(); ++i) {
      auto it =
          std::find_if(kept.begin(), kept.end(), [&](const Node& k) { return k.key == st[i].key; });
      if (it == kept.end()) {
        kept.push_back(st[i]);
      } else {
        *it = st[i];
      }
    }
    st.resize(start);
    st.insert(st.end(), kept.begin(), kept.end());
  }

  // Turns the children pushed since `start` into a container node.
  Status close(std::size_t start, JsonType type, std::uint32_t key) {
    if (type == JsonType::kObject) dedupe(start);
    const std::size_t n = stack().size() - start;
    if (n > compact::kMaxLen) return makeError(Errc::kUnsupported, "a JSON container is too large");
    Node c = scalar(type, key);
    c.type_len |= static_cast<std::uint32_t>(n) << 4;
    c.first = nullptr;
    if (n > 0) {
      Node* dst = b.store_.allocNodes(n);
      std::copy(stack().begin() + static_cast<std::ptrdiff_t>(start), stack().end(), dst);
      c.first = dst;
      stack().resize(start);
    }
    stack().push_back(c);
    return okStatus();
  }

  Status add(const Json& j, Level level, std::uint32_t key) {
    switch (j.type()) {
      case Json::value_t::null:
      case Json::value_t::discarded:
        stack().push_back(scalar(JsonType::kNull, key));
        return okStatus();
      case Json::value_t::boolean:
        stack().push_back(scalar(j.get<bool>() ? JsonType::kTrue : JsonType::kFalse, key));
        return okStatus();
      case Json::value_t::number_integer: {
        Node n = scalar(JsonType::kInt, key);
        n.i = j.get<std::int64_t>();
        stack().push_back(n);
        return okStatus();
      }
      case Json::value_t::number_unsigned: {
        const auto u = j.get<std::uint64_t>();
        Node n = scalar(
            u > static_cast<std::uint64_t>(INT64_MAX) ? JsonType::kUint : JsonType::kInt, key);
        n.u = u;
        stack().push_back(n);
        return okStatus();
      }
      case Json::value_t::number_float: {
        Node n = scalar(JsonType::kFloat, key);
        n.d = j.get<double>();
        stack().push_back(n);
        return okStatus();
      }
      case Json::value_t::string:
        return pushString(j.get_ref<const std::string&>(), key);
      case Json::value_t::binary:
        return makeError(Errc::kUnsupported, "binary JSON values are not supported");
      case Json::value_t::array: {
        const std::size_t start = stack().size();
        for (const auto& e : j) {
          if (auto s = add(e, childLevel(level, {}, e.is_array()), 0); !s) return s;
        }
        return close(start, JsonType::kArray, key);
      }
      case Json::value_t::object: {
        const std::size_t start = stack().size();
        for (auto it = j.begin(); it != j.end(); ++it) {
          const bool arr = it.value().is_array();
          if (skipMember(level, it.key(), arr)) continue;
          const std::uint32_t id = b.store_.intern(it.key());
          if (auto s = add(it.value(), childLevel(level, it.key(), arr), id); !s) return s;
        }
        return close(start, JsonType::kObject, key);
      }
    }
    return okStatus();
  }

  // simdjson DOM (runtime-dispatched SIMD kernels): the tape is walked once, in order.
  simdjson::error_code addSj(simdjson::dom::element v, Level level, std::uint32_t key) {
    using simdjson::dom::element_type;
    switch (v.type()) {
      case element_type::NULL_VALUE:
        stack().push_back(scalar(JsonType::kNull, key));
        return simdjson::SUCCESS;
      case element_type::BOOL:
        stack().push_back(
            scalar(v.get_bool().value_unsafe() ? JsonType::kTrue : JsonType::kFalse, key));
        return simdjson::SUCCESS;
      case element_type::INT64: {
        Node n = scalar(JsonType::kInt, key);
        n.i = v.get_int64().value_unsafe();
        stack().push_back(n);
        return simdjson::SUCCESS;
      }
      case element_type::UINT64: {
        Node n = scalar(JsonType::kUint, key);
        n.u = v.get_uint64().value_unsafe();
        stack().push_back(n);
        return simdjson::SUCCESS;
      }
      case element_type::DOUBLE: {
        Node n = scalar(JsonType::kFloat, key);
        n.d = v.get_double().value_unsafe();
        stack().push_back(n);
        return simdjson::SUCCESS;
      }
      case element_type::STRING:
        if (!pushString(v.get_string().value_unsafe(), key)) return simdjson::CAPACITY;
        return simdjson::SUCCESS;
      case element_type::ARRAY: {
        const std::size_t start = stack().size();
        simdjson::dom::array elements;
        if (auto err = v.get_array().get(elements)) return err;
        for (simdjson::dom::element e : elements) {
          const bool arr = e.type() == element_type::ARRAY;
          if (auto err = addSj(e, childLevel(level, {}, arr), 0)) return err;
        }
        if (!close(start, JsonType::kArray, key)) return simdjson::CAPACITY;
        return simdjson::SUCCESS;
      }
      case element_type::OBJECT: {
        const std::size_t start = stack().size();
        simdjson::dom::object members;
        if (auto err = v.get_object().get(members)) return err;
        for (simdjson::dom::key_value_pair kv : members) {
          const bool arr = kv.value.type() == element_type::ARRAY;
          if (skipMember(level, kv.key, arr)) continue;
          const std::uint32_t id = b.store_.intern(kv.key);
          if (auto err = addSj(kv.value, childLevel(level, kv.key, arr), id)) return err;
        }
        if (!close(start, JsonType::kObject, key)) return simdjson::CAPACITY;
        return simdjson::SUCCESS;
      }
    }
    return simdjson::INCORRECT_TYPE;
  }
};

struct JsonBuilder::Parser {
  simdjson::dom::parser dom;
};

JsonBuilder::JsonBuilder(JsonStore& store) : store_(store), parser_(std::make_unique<Parser>()) {}
JsonBuilder::~JsonBuilder() = default;

Result<JsonView> JsonBuilder::add(const Json& value, Trim trim) {
  stack_.clear();
  BuildWalk walk{*this, {}};
  if (auto s = walk.add(value, rootLevel(trim, value.is_array()), 0); !s) {
    stack_.clear();
    return std::move(s).error();
  }
  Node* root = store_.allocNodes(1);
  *root = stack_.back();
  stack_.clear();
  return JsonView(&store_, root);
}

Result<JsonView> JsonBuilder::parse(std::string_view text, const std::string& where, Trim trim) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end: parse a padded copy.
  const simdjson::padded_string padded(text);
  return parsePadded(&padded, text, where, trim);
}

Result<JsonView> JsonBuilder::parseFile(const std::string& path, const std::string& where,
                                        Trim trim) {
  simdjson::padded_string padded;
  if (simdjson::padded_string::load(path).get(padded)) {
    return makeError(Errc::kIo, where + ": cannot read the file");
  }
  return parsePadded(&padded, std::string_view(padded.data(), padded.size()), where, trim);
}

Result<JsonView> JsonBuilder::parsePadded(const void* padded_ptr, std::string_view text,
                                          const std::string& where, Trim trim) {
  const auto& padded = *static_cast<const simdjson::padded_string*>(padded_ptr);
  {
    simdjson::dom::element root;
    stack_.clear();
    BuildWalk walk{*this, {}};
    bool ok = !parser_->dom.parse(padded).get(root);
    if (ok) {
      ok = !walk.addSj(root, rootLevel(trim, root.type() == simdjson::dom::element_type::ARRAY),
                       0) &&
           stack_.size() == 1;
    }
    // a large document's buffers are not kept for the next (small) one
    if (text.size() > (64u << 20)) parser_ = std::make_unique<Parser>();
    if (ok) {
      Node* r = store_.allocNodes(1);
      *r = stack_.back();
      stack_.clear();
      return JsonView(&store_, r);
    }
    stack_.clear();
  }
  // What simdjson refuses (integers beyond 64 bits, malformed text): nlohmann decides, and
  // names the error. Nodes already appended for a failed attempt stay unused.
  try {
    return add(Json::parse(text), trim);
  } catch (const Json::exception& e) {  // parse_error; out_of_range for a number like 8e581286
    return makeError(Errc::kParse, where + ": malformed JSON: " + e.what());
  }
}

// --- reading ---------------------------------------------------------------------------------

std::string_view JsonView::keyAt(std::size_t i) const noexcept {
  return store_->key(node_->first[i].key);
}

JsonView JsonView::find(std::string_view key) const noexcept {
  if (node_ == nullptr || !is_object()) return {};
  const Node* p = node_->first;
  const Node* end = p + node_->len();
  for (; p != end; ++p) {
    if (store_->key(p->key) == key) return {store_, p};
  }
  return {};
}

JsonView JsonView::findKeyId(std::uint32_t key_id) const noexcept {
  if (node_ == nullptr || !is_object()) return {};
  const Node* p = node_->first;
  const Node* end = p + node_->len();
  for (; p != end; ++p) {
    if (p->key == key_id) return {store_, p};
  }
  return {};
}

Json JsonView::toJson() const {
  if (node_ == nullptr) return Json();
  switch (type()) {
    case JsonType::kNull:
      return nullptr;
    case JsonType::kFalse:
      return false;
    case JsonType::kTrue:
      return true;
    case JsonType::kInt:
      return node_->i;
    case JsonType::kUint:
      return node_->u;
    case JsonType::kFloat:
      return node_->d;
    case JsonType::kString:
      return std::string(getString());
    case JsonType::kArray: {
      Json out = Json::array();
      for (std::size_t i = 0; i < size(); ++i) out.push_back((*this)[i].toJson());
      return out;
    }
    case JsonType::kObject: {
      Json out = Json::object();
      for (std::size_t i = 0; i < size(); ++i) out[std::string(keyAt(i))] = (*this)[i].toJson();
      return out;
    }
  }
  return Json();
}

void JsonView::dump(std::string& out, int indent, int level) const {
  if (node_ == nullptr) {
    out += "null";
    return;
  }
  switch (type()) {
    case JsonType::kNull:
      out += "null";
      return;
    case JsonType::kFalse:
      out += "false";
      return;
    case JsonType::kTrue:
      out += "true";
      return;
    case JsonType::kInt:
      out += std::to_string(node_->i);
      return;
    case JsonType::kUint:
      out += std::to_string(node_->u);
      return;
    case JsonType::kFloat:
      out += Json(node_->d).dump();  // nlohmann's shortest round-trip form
      return;
    case JsonType::kString:
      escapeString(out, getString());
      return;
    case JsonType::kArray:
    case JsonType::kObject: {
      const bool obj = is_object();
      if (size() == 0) {
        out += obj ? "{}" : "[]";
        return;
      }
      out.push_back(obj ? '{' : '[');
      for (std::size_t i = 0; i < size(); ++i) {
        if (i > 0) out.push_back(',');
        if (indent >= 0) {
          out.push_back('\n');
          out.append(static_cast<std::size_t>(indent) * (level + 1), ' ');
        }
        if (obj) {
          escapeString(out, keyAt(i));
          out += indent >= 0 ? ": " : ":";
        }
        (*this)[i].dump(out, indent, level + 1);
      }
      if (indent >= 0) {
        out.push_back('\n');
        out.append(static_cast<std::size_t>(indent) * level, ' ');
      }
      out.push_back(obj ? '}' : ']');
      return;
    }
  }
}

bool operator==(const JsonView& a, const JsonView& b) {
  if (!a.valid() || !b.valid()) return a.valid() == b.valid();
  if (a.is_number() && b.is_number()) return a.toJson() == b.toJson();
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case JsonType::kString:
      return a.getString() == b.getString();
    case JsonType::kArray:
    case JsonType::kObject:
      if (a.size() != b.size()) return false;
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (a.is_object() && a.keyAt(i) != b.keyAt(i)) return false;
        if (!(a[i] == b[i])) return false;
      }
      return true;
    default:
      return true;
  }
}

// --- composition -----------------------------------------------------------------------------

namespace {

const Node* nodeOf(const JsonView& v) { return static_cast<const Node*>(v.identity()); }

}  // namespace

Result<JsonView> JsonBuilder::array(const std::vector<JsonView>& elements) {
  if (elements.size() > compact::kMaxLen) {
    return makeError(Errc::kUnsupported, "a JSON array is too large");
  }
  if (elements.empty()) return store_.emptyArray();
  Node* dst = store_.allocNodes(elements.size() + 1);
  for (std::size_t i = 0; i < elements.size(); ++i) {
    dst[i + 1] = *nodeOf(elements[i]);
    dst[i + 1].key = 0;
  }
  Node& root = dst[0];
  root = scalar(JsonType::kArray, 0);
  root.type_len |= static_cast<std::uint32_t>(elements.size()) << 4;
  root.first = dst + 1;
  return JsonView(&store_, &root);
}

Result<JsonView> JsonBuilder::object(
    const std::vector<std::pair<std::string_view, JsonView>>& members) {
  if (members.size() > compact::kMaxLen) {
    return makeError(Errc::kUnsupported, "a JSON object is too large");
  }
  if (members.empty()) return store_.emptyObject();
  Node* dst = store_.allocNodes(members.size() + 1);
  for (std::size_t i = 0; i < members.size(); ++i) {
    dst[i + 1] = *nodeOf(members[i].second);
    dst[i + 1].key = store_.intern(members[i].first);
  }
  Node& root = dst[0];
  root = scalar(JsonType::kObject, 0);
  root.type_len |= static_cast<std::uint32_t>(members.size()) << 4;
  root.first = dst + 1;
  return JsonView(&store_, &root);
}

Result<JsonView> JsonBuilder::string(std::string_view s) {
  if (s.size() > compact::kMaxLen) {
    return makeError(Errc::kUnsupported, "a JSON string is larger than 256 MiB");
  }
  Node* dst = store_.allocNodes(1);
  *dst = scalar(JsonType::kString, 0);
  dst->type_len |= static_cast<std::uint32_t>(s.size()) << 4;
  dst->s = store_.allocChars(s);
  return JsonView(&store_, dst);
}

}  // namespace kpatrol::model
