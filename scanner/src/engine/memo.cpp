// SPDX-License-Identifier: Apache-2.0
#include "memo.h"

#include <algorithm>
#include <bit>

namespace kpatrol::engine {
namespace {

using Kind = TraceValue::Kind;

ObservedValue stringValue(std::string_view s) {
  ObservedValue v;
  v.kind = Kind::kString;
  v.text = s;
  return v;
}

ObservedValue containerValue(model::JsonView v, model::JsonView& container) {
  if (!v) return {};
  container = v;
  return observe(v);
}

// FNV-1a over what identifies a value (kind, number, text, slot).
std::uint64_t valueHash(Kind kind, std::int64_t number, std::string_view text,
                        std::uint32_t alias) noexcept {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&h](std::uint64_t x) { h = (h ^ x) * 0x100000001b3ULL; };
  mix(static_cast<std::uint64_t>(kind));
  mix(static_cast<std::uint64_t>(number));
  mix(alias);
  for (const char c : text) mix(static_cast<unsigned char>(c));
  return h;
}

model::JsonView emptyObjectView() {
  static const model::JsonStore kStore;
  return kStore.emptyObject();
}

}  // namespace

ObservedValue observe(model::JsonView v) noexcept {
  ObservedValue out;
  if (!v) return out;
  switch (v.type()) {
    case model::JsonType::kNull:
      out.kind = Kind::kNull;
      break;
    case model::JsonType::kFalse:
      out.kind = Kind::kFalse;
      break;
    case model::JsonType::kTrue:
      out.kind = Kind::kTrue;
      break;
    case model::JsonType::kInt:
      out.kind = Kind::kInt;
      out.number = v.getInt();
      break;
    case model::JsonType::kUint:  // Lua sees both as an integer (pushJson)
      out.kind = Kind::kInt;
      out.number = static_cast<std::int64_t>(v.getUint());
      break;
    case model::JsonType::kFloat:
      out.kind = Kind::kFloat;
      out.number = std::bit_cast<std::int64_t>(v.getDouble());
      break;
    case model::JsonType::kString:
      out.kind = Kind::kString;
      out.text = v.getString();
      break;
    case model::JsonType::kArray:
      out.kind = Kind::kArray;
      break;
    case model::JsonType::kObject:
      out.kind = Kind::kObject;
      break;
  }
  return out;
}

model::JsonView metaField(model::JsonView obj, const char* field) {
  if (!obj) return emptyObjectView();
  const model::JsonView m = obj.find("metadata");
  if (!m || !m.is_object()) return emptyObjectView();
  const model::JsonView f = m.find(field);
  return f && f.is_object() ? f : emptyObjectView();
}

model::JsonView nodeObject(const model::Snapshot& snapshot, std::string_view name) {
  for (const auto& subject : snapshot.subjects(model::Scope::kNode)) {
    if (subject.name == name && subject.object) return subject.object;
  }
  return {};
}

// ---- recording ----------------------------------------------------------------------------

void TraceRecorder::start() {
  on_ = true;
  tainted_ = false;
  steps_.clear();
  if (++generation_ == 0) {  // wrapped: forget every entry for real
    std::fill(slots_.begin(), slots_.end(), SlotEntry{});
    generation_ = 1;
  }
  next_slot_ = 0;
}

TraceRecorder::SlotEntry* TraceRecorder::findSlot(const void* identity) noexcept {
  auto h = reinterpret_cast<std::uintptr_t>(identity);
  h ^= h >> 17;
  h *= 0x9E3779B97F4A7C15ULL;
  std::size_t i = (h >> 20) & (kSlotTable - 1);
  while (true) {
    SlotEntry& e = slots_[i];
    if (e.generation != generation_ || e.identity == identity) return &e;
    i = (i + 1) & (kSlotTable - 1);
  }
}

bool TraceRecorder::slotOf(model::JsonView v, std::uint32_t& slot) {
  const SlotEntry* e = findSlot(v.identity());
  if (e->generation != generation_) {
    taint();  // a view the trace did not hand out (kept from an earlier evaluation)
    return false;
  }
  slot = e->slot;
  return true;
}

void TraceRecorder::assignSlot(const void* identity, TraceValue& value) {
  SlotEntry* e = findSlot(identity);
  if (e->generation == generation_) {
    value.alias = e->slot;
    return;
  }
  *e = SlotEntry{identity, next_slot_++, generation_};
}

void TraceRecorder::push(TraceStep step) {
  if (steps_.size() >= kMaxSteps) {
    taint();
    return;
  }
  steps_.push_back(std::move(step));
}

void TraceRecorder::read(TraceOp op, model::JsonView src, std::string_view key, std::int64_t index,
                         model::JsonView result) {
  std::uint32_t slot = 0;
  if (!recording() || !slotOf(src, slot)) return;
  TraceValue value = observe(result).owned();
  if (value.isContainer()) assignSlot(result.identity(), value);
  push(TraceStep{op, slot, index, std::string(key), std::move(value)});
}

void TraceRecorder::size(model::JsonView src, std::size_t n) {
  std::uint32_t slot = 0;
  if (!recording() || !slotOf(src, slot)) return;
  TraceValue v;
  v.kind = Kind::kInt;
  v.number = static_cast<std::int64_t>(n);
  push(TraceStep{TraceOp::kSize, slot, 0, {}, std::move(v)});
}

void TraceRecorder::key(model::JsonView src, std::size_t index, std::string_view key) {
  std::uint32_t slot = 0;
  if (!recording() || !slotOf(src, slot)) return;
  push(TraceStep{
      TraceOp::kKey, slot, static_cast<std::int64_t>(index), {}, stringValue(key).owned()});
}

void TraceRecorder::root(TraceOp op, std::string_view key, TraceValue value,
                         model::JsonView container) {
  if (!recording()) return;
  if (value.isContainer()) assignSlot(container.identity(), value);
  push(TraceStep{op, 0, 0, std::string(key), std::move(value)});
}

void TraceRecorder::rootJson(TraceOp op, std::string_view key, model::JsonView result) {
  if (!recording()) return;
  root(op, key, observe(result).owned(), result);
}

// ---- the subject table --------------------------------------------------------------------

SubjectField subjectField(std::string_view key) noexcept {
  static constexpr std::pair<std::string_view, SubjectField> kFields[] = {
      {"id", SubjectField::kId},
      {"name", SubjectField::kName},
      {"namespace", SubjectField::kNamespace},
      {"object", SubjectField::kObject},
      {"labels", SubjectField::kLabels},
      {"annotations", SubjectField::kAnnotations},
      {"kind", SubjectField::kKind},
      {"scope", SubjectField::kScope},
      {"facts", SubjectField::kFacts},
      {"version", SubjectField::kVersion},
      {"flavour", SubjectField::kFlavour},
      {"cluster", SubjectField::kCluster},
      {"roles", SubjectField::kRoles},
  };
  for (const auto& [name, field] : kFields) {
    if (name == key) return field;
  }
  return SubjectField::kOther;
}

bool subjectValue(const model::Snapshot& snapshot, const model::Subject& subject,
                  SubjectField field, ObservedValue& value, model::JsonView& container) {
  value = {};
  container = {};
  const bool cluster_scope = subject.scope == model::Scope::kCluster;
  switch (field) {
    case SubjectField::kOther:
      break;
    case SubjectField::kId:
      value = stringValue(subject.id);
      break;
    case SubjectField::kName:
      value = stringValue(subject.name);
      break;
    case SubjectField::kNamespace:
      if (!subject.namespace_.empty()) value = stringValue(subject.namespace_);
      break;
    case SubjectField::kObject:
      value = containerValue(subject.object, container);
      break;
    case SubjectField::kLabels:
      value = containerValue(metaField(subject.object, "labels"), container);
      break;
    case SubjectField::kAnnotations:
      value = containerValue(metaField(subject.object, "annotations"), container);
      break;
    case SubjectField::kKind:
      value = stringValue(subject.kind);
      break;
    case SubjectField::kScope:
      value = stringValue(model::scopeName(subject.scope));
      break;
    case SubjectField::kFacts:
      value = containerValue(subject.facts, container);
      break;
    case SubjectField::kVersion:
      if (cluster_scope) value = stringValue(snapshot.meta().cluster_version);
      break;
    case SubjectField::kFlavour:
      if (cluster_scope) {
        const std::string& flavour = snapshot.meta().flavour;
        value = stringValue(flavour.empty() ? std::string_view("unknown") : flavour);
      }
      break;
    case SubjectField::kCluster:
      value.kind = Kind::kConst;  // name, version, flavour: the same for every subject
      break;
    case SubjectField::kRoles:
      if (subject.scope == model::Scope::kNode) return false;  // derived from labels and facts
      break;
  }
  // A scalar object or facts would be a plain value in Lua; a snapshot never has one.
  if ((field == SubjectField::kObject || field == SubjectField::kFacts) &&
      value.kind != Kind::kAbsent && !value.isContainer()) {
    return false;
  }
  return true;
}

// ---- the memo -----------------------------------------------------------------------------

bool RuleMemo::worthRecording() noexcept {
  if (disabled_) return false;
  // After a fair trial, a rule whose subjects rarely read alike (a check that reads the pod's
  // name or start time) is evaluated directly: replaying and recording would only add work.
  // It is tried again now and then, as the subjects further on may read more alike.
  constexpr std::uint64_t kTrial = 1024;
  constexpr std::uint64_t kRetry = 16384;
  if (lookups_ < kTrial || hits_ * 32 >= lookups_) return true;
  if (++skipped_ < kRetry) return false;
  skipped_ = 0;
  lookups_ = 0;
  hits_ = 0;
  return true;
}

std::int64_t RuleMemo::child(const Node& n, const ObservedValue& v) const {
  if (!n.by_hash.empty()) {
    const auto [first, last] = n.by_hash.equal_range(valueHash(v.kind, v.number, v.text, v.alias));
    for (auto it = first; it != last; ++it) {
      const auto& [value, child] = n.edges[it->second];
      if (v.matches(value)) return child;
    }
    return -1;
  }
  // Newest first: the subject before this one is the likeliest to have read the same.
  for (auto it = n.edges.rbegin(); it != n.edges.rend(); ++it) {
    if (v.matches(it->first)) return it->second;
  }
  return -1;
}

void RuleMemo::addEdge(std::uint32_t node, TraceValue value, std::uint32_t child) {
  Node& n = nodes_[node];
  bytes_ += sizeof(Node) + sizeof(TraceValue) + value.text.size() + (n.by_hash.empty() ? 0 : 32);
  n.edges.emplace_back(std::move(value), child);
  if (n.edges.size() == kHashEdges + 1) {
    for (std::uint32_t i = 0; i < n.edges.size(); ++i) {
      const TraceValue& v = n.edges[i].first;
      n.by_hash.emplace(valueHash(v.kind, v.number, v.text, v.alias), i);
    }
  } else if (n.edges.size() > kHashEdges + 1) {
    const TraceValue& v = n.edges.back().first;
    n.by_hash.emplace(valueHash(v.kind, v.number, v.text, v.alias),
                      static_cast<std::uint32_t>(n.edges.size() - 1));
  }
}

const CheckOutcome* RuleMemo::lookup(const model::Snapshot& snapshot,
                                     const model::Subject& subject) {
  ++lookups_;
  if (disabled_ || nodes_.empty()) return nullptr;
  slots_.clear();
  std::uint32_t cur = 0;
  while (true) {
    Node& n = nodes_[cur];
    if (!n.set) return nullptr;
    if (n.leaf) {
      ++hits_;
      return &outcomes_[n.outcome];
    }
    const model::JsonView src = n.src < slots_.size() ? slots_[n.src] : model::JsonView();
    model::JsonView result;  // the value read, when it is a JSON value
    ObservedValue value;
    bool is_json = true;
    switch (n.op) {
      case TraceOp::kSubject:
        if (!subjectValue(snapshot, subject, static_cast<SubjectField>(n.index), value, result)) {
          return nullptr;
        }
        is_json = false;
        break;
      case TraceOp::kFind:
        if (src.is_object() && src.size() > 0) {
          if (n.key_store != src.store()) {  // intern the key once per store
            n.key_store = src.store();
            n.key_id = src.store()->keyId(n.key);
          }
          if (n.key_id >= 0) result = src.findKeyId(static_cast<std::uint32_t>(n.key_id));
        }
        break;
      case TraceOp::kAt:
        result = src[static_cast<std::size_t>(n.index)];
        break;
      case TraceOp::kSize:
        is_json = false;
        value.kind = Kind::kInt;
        value.number = static_cast<std::int64_t>(src.size());
        break;
      case TraceOp::kKey:
        is_json = false;
        if (src.is_object() && static_cast<std::size_t>(n.index) < src.size()) {
          value = stringValue(src.keyAt(static_cast<std::size_t>(n.index)));
        }
        break;
      case TraceOp::kObjects:
        result = snapshot.objects(n.key);
        break;
      case TraceOp::kHasObjects:
        is_json = false;
        value.kind = snapshot.objects(n.key).valid() ? Kind::kTrue : Kind::kFalse;
        break;
      case TraceOp::kNode:
        result = nodeObject(snapshot, n.key);
        break;
      case TraceOp::kNodeFacts:
        result = snapshot.nodeFacts(n.key);
        break;
    }
    if (is_json) value = observe(result);
    if (value.isContainer()) {
      for (std::uint32_t k = 0; k < slots_.size(); ++k) {
        if (slots_[k].identity() == result.identity()) {
          value.alias = k;
          break;
        }
      }
    }
    const std::int64_t next = child(n, value);
    if (next < 0) return nullptr;
    if (value.isContainer() && value.alias == TraceValue::kNewSlot) slots_.push_back(result);
    cur = static_cast<std::uint32_t>(next);
  }
}

void RuleMemo::reset() noexcept {
  nodes_.clear();
  outcomes_.clear();
  bytes_ = 0;
}

void RuleMemo::disable() noexcept {
  disabled_ = true;
  reset();
}

void RuleMemo::insert(std::vector<TraceStep>& steps, const CheckOutcome& outcome) {
  if (disabled_) return;
  if (bytes_ > kMaxBytes) {
    reset();
  }
  if (nodes_.empty()) nodes_.emplace_back();
  std::uint32_t cur = 0;
  for (TraceStep& step : steps) {
    if (step.op == TraceOp::kSubject) {  // replayed by field number, not by name
      step.index = static_cast<std::int64_t>(subjectField(step.key));
    }
    if (!nodes_[cur].set) {
      Node& n = nodes_[cur];
      n.set = true;
      n.op = step.op;
      n.src = step.src;
      n.index = step.index;
      n.key = step.key;
    }
    const Node& n = nodes_[cur];
    if (n.leaf || n.op != step.op || n.src != step.src || n.index != step.index ||
        n.key != step.key) {
      // The same values read led to a different read: the check depends on something the
      // trace does not see. Never reuse its results.
      disable();
      return;
    }
    const ObservedValue v{step.result.kind, step.result.number, step.result.text,
                          step.result.alias};
    std::int64_t next = child(n, v);
    if (next < 0) {
      next = static_cast<std::int64_t>(nodes_.size());
      addEdge(cur, std::move(step.result), static_cast<std::uint32_t>(next));
      nodes_.emplace_back();
    }
    cur = static_cast<std::uint32_t>(next);
  }
  Node& end = nodes_[cur];
  if (end.set) {
    // Another evaluation read on where this one stopped, or ended with another outcome.
    const bool same = end.leaf && outcomes_[end.outcome].status == outcome.status &&
                      outcomes_[end.outcome].applies == outcome.applies &&
                      outcomes_[end.outcome].message == outcome.message &&
                      outcomes_[end.outcome].message_zh == outcome.message_zh &&
                      outcomes_[end.outcome].evidence == outcome.evidence;
    if (!same) disable();
    return;
  }
  end.set = true;
  end.leaf = true;
  end.outcome = static_cast<std::uint32_t>(outcomes_.size());
  outcomes_.push_back(outcome);
  bytes_ += sizeof(CheckOutcome) + outcome.message.size() + outcome.message_zh.size() +
            (outcome.evidence.is_null() ? 0 : 256 * outcome.evidence.size());
}

}  // namespace kpatrol::engine
