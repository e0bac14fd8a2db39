// SPDX-License-Identifier: Apache-2.0
// A compact, immutable JSON representation for snapshot data (API objects and node facts).
//
// Every value is one 16-byte node; object keys are interned once per store; strings live in one
// arena; the members of an object or the elements of an array are contiguous nodes, so an array
// index is O(1) and an object lookup scans its (few) members comparing interned keys. Objects
// keep their source key order. A 4.2 KB pod costs ~2.5 KB here against ~19 KB as
// nlohmann::ordered_json (test/bench/README.md).
//
// Values are built once (from JSON text with simdjson, or from a nlohmann document) and then
// only read: a JsonView is a (store, node) pair, 16 bytes, valid as long as the store lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "kpatrol/core/result.h"

namespace kpatrol::model {

/// The in-memory JSON used everywhere except the snapshot (profiles, reports, manifests).
using Json = nlohmann::ordered_json;

enum class JsonType : std::uint8_t {
  kNull,
  kFalse,
  kTrue,
  kInt,    // fits int64
  kUint,   // above INT64_MAX, fits uint64
  kFloat,  // written with a fraction or exponent
  kString,
  kArray,
  kObject
};

namespace compact {
struct Node {
  std::uint32_t key = 0;       // interned key id when this node is an object member
  std::uint32_t type_len = 0;  // low 4 bits: JsonType; high 28 bits: string bytes / elements
  union {
    std::int64_t i;
    std::uint64_t u;
    double d;
    const char* s;
    const Node* first;  // first element or member (contiguous)
  };
  Node() : i(0) {}
  JsonType type() const noexcept { return static_cast<JsonType>(type_len & 0xF); }
  std::uint32_t len() const noexcept { return type_len >> 4; }
};
static_assert(sizeof(Node) == 16);
inline constexpr std::uint32_t kMaxLen = (1u << 28) - 1;
}  // namespace compact

class JsonStore;

/// A read-only view of one value in a JsonStore. Default-constructed: no value (absent).
class JsonView {
 public:
  JsonView() = default;
  JsonView(const JsonStore* store, const compact::Node* node) : store_(store), node_(node) {}

  bool valid() const noexcept { return node_ != nullptr; }
  explicit operator bool() const noexcept { return valid(); }
  JsonType type() const noexcept { return node_->type(); }
  bool is_null() const noexcept { return type() == JsonType::kNull; }
  bool is_boolean() const noexcept {
    return type() == JsonType::kFalse || type() == JsonType::kTrue;
  }
  bool is_number_integer() const noexcept {
    return type() == JsonType::kInt || type() == JsonType::kUint;
  }
  bool is_number_float() const noexcept { return type() == JsonType::kFloat; }
  bool is_number() const noexcept { return is_number_integer() || is_number_float(); }
  bool is_string() const noexcept { return type() == JsonType::kString; }
  bool is_array() const noexcept { return type() == JsonType::kArray; }
  bool is_object() const noexcept { return type() == JsonType::kObject; }
  bool is_structured() const noexcept { return is_array() || is_object(); }

  /// Elements of an array or members of an object; 0 for scalars.
  std::size_t size() const noexcept { return is_structured() ? node_->len() : 0; }
  bool empty() const noexcept { return size() == 0; }
  /// The i-th element (array) or member value (object); absent when out of range.
  JsonView operator[](std::size_t i) const noexcept {
    return i < size() ? JsonView(store_, node_->first + i) : JsonView();
  }
  /// The key of the i-th member of an object (i < size()).
  std::string_view keyAt(std::size_t i) const noexcept;
  /// The member `key` of an object; absent if not an object or no such key.
  JsonView find(std::string_view key) const noexcept;
  /// The member whose key has the interned id `key_id` in this view's store (JsonStore::keyId).
  JsonView findKeyId(std::uint32_t key_id) const noexcept;
  bool contains(std::string_view key) const noexcept { return find(key).valid(); }

  bool getBool() const noexcept { return type() == JsonType::kTrue; }
  std::int64_t getInt() const noexcept { return node_->i; }
  std::uint64_t getUint() const noexcept { return node_->u; }
  double getDouble() const noexcept { return node_->d; }
  std::string_view getString() const noexcept { return {node_->s, node_->len()}; }
  /// The string, or "" for any other type or an absent value.
  std::string_view stringOr() const noexcept { return valid() && is_string() ? getString() : ""; }

  /// Identity of the value (stable while the store lives): for caches.
  const void* identity() const noexcept { return node_; }
  const JsonStore* store() const noexcept { return store_; }

  /// A nlohmann copy (tests, evidence, the few consumers that need one; not the hot path).
  Json toJson() const;
  /// Appends the text nlohmann's dump(indent) would give for toJson(); `level` is the nesting
  /// depth the value is written at (indentation of its members and closing bracket).
  void dump(std::string& out, int indent = -1, int level = 0) const;
  std::string dump(int indent = -1) const {
    std::string s;
    dump(s, indent);
    return s;
  }

  /// Deep equality (key order matters, as for ordered_json; 1 and 1.0 differ only in type).
  friend bool operator==(const JsonView& a, const JsonView& b);

 private:
  const JsonStore* store_ = nullptr;
  const compact::Node* node_ = nullptr;
};

/// Owns the nodes, strings and interned keys of any number of values. Append-only while being
/// built (JsonBuilder), then shared read-only; nodes never move, so views stay valid.
class JsonStore {
 public:
  JsonStore();
  JsonStore(const JsonStore&) = delete;
  JsonStore& operator=(const JsonStore&) = delete;

  std::string_view key(std::uint32_t id) const noexcept { return keys_[id]; }
  /// The interned id of `key`, or -1 if no object in this store has it.
  std::int64_t keyId(std::string_view key) const noexcept;
  /// Bytes held (nodes, strings, keys): what the snapshot costs.
  std::size_t bytes() const noexcept { return bytes_; }
  /// A shared empty array and empty object.
  JsonView emptyArray() const noexcept { return {this, &empty_[0]}; }
  JsonView emptyObject() const noexcept { return {this, &empty_[1]}; }

 private:
  friend struct BuildWalk;
  friend class JsonBuilder;
  compact::Node* allocNodes(std::size_t n);
  const char* allocChars(std::string_view s);
  std::uint32_t intern(std::string_view key);

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  std::vector<std::unique_ptr<compact::Node[]>> node_blocks_;
  std::size_t node_used_ = 0, node_cap_ = 0;
  std::vector<std::unique_ptr<char[]>> char_blocks_;
  std::size_t char_used_ = 0, char_cap_ = 0;
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> key_ids_;
  std::vector<std::string_view> keys_;
  std::size_t bytes_ = 0;
  compact::Node empty_[2];
};

/// How list items are trimmed while building: managedFields entries lose fieldsV1/fieldsType
/// (most of an object's size, read by no rule); a managedFields that is not an array is dropped.
enum class Trim { kNone, kListDocument };

/// Appends values to a store. Not thread-safe; one builder per store at a time.
class JsonBuilder {
 public:
  explicit JsonBuilder(JsonStore& store);
  ~JsonBuilder();
  JsonBuilder(const JsonBuilder&) = delete;
  JsonBuilder& operator=(const JsonBuilder&) = delete;
  /// Copies a nlohmann value.
  Result<JsonView> add(const Json& value, Trim trim = Trim::kNone);
  /// Parses JSON text (simdjson; nlohmann for what simdjson refuses, e.g. integers beyond
  /// 64 bits, and for the error message). `where` names the input in errors.
  Result<JsonView> parse(std::string_view text, const std::string& where, Trim trim = Trim::kNone);
  /// Same, reading the file straight into simdjson's padded buffer (no second copy of a large
  /// list); the text is dropped once parsed.
  Result<JsonView> parseFile(const std::string& path, const std::string& where,
                             Trim trim = Trim::kNone);

  // Composition from values already in the store: the new container's children are shallow
  // copies of the given nodes (their strings and children are shared, not copied), so a value
  // can be re-assembled (list pages joined into one array, members added or left out) for the
  // cost of one 16-byte node per child. The views must belong to this builder's store.
  /// An array of `elements`.
  Result<JsonView> array(const std::vector<JsonView>& elements);
  /// An object of (key, value) members, in order (keys must be distinct).
  Result<JsonView> object(const std::vector<std::pair<std::string_view, JsonView>>& members);
  /// A string value.
  Result<JsonView> string(std::string_view s);

 private:
  friend struct BuildWalk;
  struct Parser;
  Result<JsonView> parsePadded(const void* padded, std::string_view text, const std::string& where,
                               Trim trim);
  JsonStore& store_;
  std::unique_ptr<Parser> parser_;    // simdjson DOM parser, reused across documents
  std::vector<compact::Node> stack_;  // children of the containers being built
};

}  // namespace kpatrol::model
