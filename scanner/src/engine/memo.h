// SPDX-License-Identifier: Apache-2.0
// Result reuse (docs/design-notes.md, "Reusing results"). A check is a function of what it
// reads from the snapshot: the subject's fields and the JSON under them, and a few lookups
// (ctx.objects, ctx.node, ctx.node_facts). While a check runs, every such read is recorded
// in order, with the value the rule saw. Replicas of one Deployment usually show a rule the
// same values, so the next pod replays the recorded reads against its own data in C++ and,
// if every value matches, takes the recorded outcome without running Lua.
//
// The recorded reads of one rule form a trie: each node is the read the check makes next
// (its arguments follow from the values read before it), each edge a value it can return, each
// leaf an outcome. Anything the recorder cannot follow (ctx.log, view identity comparisons,
// views kept from an earlier subject, very long traces) makes that evaluation unrecorded; a
// rule whose recorded reads contradict each other (a check with hidden state) stops being
// reused.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kpatrol/engine/lua_sandbox.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::engine {

enum class TraceOp : std::uint8_t {
  kSubject,     // a field of the subject table (key)
  kFind,        // object member (src, key)
  kAt,          // element or member value by position (src, index)
  kSize,        // number of elements or members (src)
  kKey,         // key of the member at a position (src, index)
  kObjects,     // ctx.objects(key)
  kHasObjects,  // ctx.has_objects(key)
  kNode,        // ctx.node(key)
  kNodeFacts,   // ctx.node_facts(key)
};

/// What a read returned, as far as a rule can tell: the type and, for scalars, the value. A
/// container is a new slot (later reads address it by number) or the same node as an earlier
/// slot (`alias`).
struct TraceValue {
  enum class Kind : std::uint8_t {
    kAbsent,
    kNull,
    kFalse,
    kTrue,
    kInt,
    kFloat,
    kString,
    kObject,
    kArray,
    kConst,  // a table that is the same for every subject (subject.cluster)
  };
  static constexpr std::uint32_t kNewSlot = 0xFFFFFFFFu;
  Kind kind = Kind::kAbsent;
  std::int64_t number = 0;  // kInt: the value; kFloat: the bits of the double
  std::string text;         // kString
  std::uint32_t alias = kNewSlot;

  bool isContainer() const noexcept { return kind == Kind::kObject || kind == Kind::kArray; }
  bool operator==(const TraceValue&) const = default;
};

/// A value read during a replay: like TraceValue, but borrowing its text from the snapshot.
struct ObservedValue {
  TraceValue::Kind kind = TraceValue::Kind::kAbsent;
  std::int64_t number = 0;
  std::string_view text;
  std::uint32_t alias = TraceValue::kNewSlot;

  bool isContainer() const noexcept {
    return kind == TraceValue::Kind::kObject || kind == TraceValue::Kind::kArray;
  }
  bool matches(const TraceValue& v) const noexcept {
    return kind == v.kind && number == v.number && alias == v.alias && text == v.text;
  }
  TraceValue owned() const { return TraceValue{kind, number, std::string(text), alias}; }
};

/// ObservedValue of a JSON value (or absent), without a slot.
ObservedValue observe(model::JsonView v) noexcept;

struct TraceStep {
  TraceOp op = TraceOp::kSubject;
  std::uint32_t src = 0;
  std::int64_t index = 0;
  std::string key;
  TraceValue result;
};

/// The reads of the evaluation in progress (one per sandbox).
class TraceRecorder {
 public:
  static constexpr std::size_t kMaxSteps = 2048;

  void start();
  void stop() noexcept { on_ = false; }
  bool recording() const noexcept { return on_ && !tainted_; }
  bool tainted() const noexcept { return tainted_; }
  /// Something the trace cannot express happened: this evaluation is not recorded.
  void taint() noexcept { tainted_ = true; }
  std::vector<TraceStep>& steps() noexcept { return steps_; }

  /// Records a read on the container `src` (a view the rule holds) that returned `result`.
  void read(TraceOp op, model::JsonView src, std::string_view key, std::int64_t index,
            model::JsonView result);
  /// Records a read that returned a size.
  void size(model::JsonView src, std::size_t n);
  /// Records a read that returned a key.
  void key(model::JsonView src, std::size_t index, std::string_view key);
  /// Records a root read (subject field, ctx lookups) with the value it returned.
  void root(TraceOp op, std::string_view key, TraceValue value, model::JsonView container);
  /// Records a root read that returned a JSON value (or nothing).
  void rootJson(TraceOp op, std::string_view key, model::JsonView result);

 private:
  bool slotOf(model::JsonView v, std::uint32_t& slot);
  /// The slot of a container just read: an earlier one (alias) or a new one.
  void assignSlot(const void* identity, TraceValue& value);
  void push(TraceStep step);

  // Slots by node address: open addressing, emptied by bumping the generation. Slots never
  // outnumber steps, so the table never fills.
  struct SlotEntry {
    const void* identity = nullptr;
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;
  };
  static constexpr std::size_t kSlotTable = 2 * kMaxSteps * 2;
  SlotEntry* findSlot(const void* identity) noexcept;

  bool on_ = false;
  bool tainted_ = false;
  std::vector<TraceStep> steps_;
  std::vector<SlotEntry> slots_ = std::vector<SlotEntry>(kSlotTable);
  std::uint32_t generation_ = 0;
  std::uint32_t next_slot_ = 0;
};

/// metadata.<field> of an object when it is an object, else an empty object (subject.labels).
model::JsonView metaField(model::JsonView obj, const char* field);
/// The Node object of that name (ctx.node), or absent.
model::JsonView nodeObject(const model::Snapshot& snapshot, std::string_view name);

/// The fields of the subject table (lua_state.cpp builds it), by number.
enum class SubjectField : std::uint8_t {
  kOther,  // absent
  kId,
  kName,
  kNamespace,
  kObject,
  kLabels,
  kAnnotations,
  kKind,
  kScope,
  kFacts,
  kVersion,
  kFlavour,
  kCluster,
  kRoles,
};
SubjectField subjectField(std::string_view key) noexcept;

/// The value a rule sees for subject.<field>, computed from the model (the subject table holds
/// the same). `container` receives the view for object/array values. Returns false for a field
/// whose value the trace cannot express (roles of a node).
bool subjectValue(const model::Snapshot& snapshot, const model::Subject& subject,
                  SubjectField field, ObservedValue& value, model::JsonView& container);

/// The recorded evaluations of one rule in one sandbox.
class RuleMemo {
 public:
  /// What one rule may keep per sandbox (approximately). Past it the memo starts afresh:
  /// look-alike subjects are usually neighbours (the pods of one ReplicaSet sort together),
  /// so recent evaluations are the ones worth keeping.
  static constexpr std::size_t kMaxBytes = std::size_t{1} << 20;

  /// The outcome of an earlier evaluation that read the same values, or nullptr.
  const CheckOutcome* lookup(const model::Snapshot& snapshot, const model::Subject& subject);
  /// Adds a recorded evaluation.
  /// Adds a recorded evaluation (takes the steps' strings).
  void insert(std::vector<TraceStep>& steps, const CheckOutcome& outcome);

  /// Whether recording this rule is still worth it (it is not, after many misses, or once the
  /// rule showed hidden state).
  bool worthRecording() noexcept;
  /// Whether the hit lookup() just returned should be checked by evaluating anyway.
  bool verifyHit() const noexcept { return (hits_ & (hits_ - 1)) == 0; }
  /// Never reuse this rule's results again (it showed state of its own).
  void disable() noexcept;

 private:
  struct Node {
    bool set = false;   // the read (or the leaf) is known
    bool leaf = false;  // the evaluation ended here: outcome
    TraceOp op = TraceOp::kSubject;
    std::uint32_t src = 0;
    std::int64_t index = 0;  // kAt, kKey: position; kSubject: the SubjectField
    std::string key;
    std::uint32_t outcome = 0;
    std::vector<std::pair<TraceValue, std::uint32_t>> edges;  // value read -> child
    // kFind: the key's interned id in the store last searched (-1: no object there has it).
    const model::JsonStore* key_store = nullptr;
    std::int64_t key_id = -1;
    // Edges by value hash, once a read has many different answers (a pod's name, its IP).
    std::unordered_multimap<std::uint64_t, std::uint32_t> by_hash;
  };
  static constexpr std::size_t kHashEdges = 8;
  /// The child for a value read at node `n`, or -1.
  std::int64_t child(const Node& n, const ObservedValue& v) const;
  void addEdge(std::uint32_t node, TraceValue value, std::uint32_t child);
  void reset() noexcept;

  std::vector<Node> nodes_;
  std::vector<CheckOutcome> outcomes_;

  std::vector<model::JsonView> slots_;  // replay scratch
  std::uint64_t lookups_ = 0;
  std::uint64_t hits_ = 0;
  std::size_t bytes_ = 0;
  std::uint64_t skipped_ = 0;  // evaluations run directly since the rule was given up
  bool disabled_ = false;
};

}  // namespace kpatrol::engine
