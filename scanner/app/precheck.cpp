// SPDX-License-Identifier: Apache-2.0
#include "precheck.h"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>

namespace kpatrol::app::precheck {

namespace {

bool readInt(std::string_view& text, int& out) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc{} || ptr == begin) return false;
  text.remove_prefix(static_cast<std::size_t>(ptr - begin));
  return true;
}

}  // namespace

std::optional<Version> parseVersion(std::string_view text) {
  if (!text.empty() && (text.front() == 'v' || text.front() == 'V')) text.remove_prefix(1);
  Version v;
  if (!readInt(text, v.major) || text.empty() || text.front() != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!readInt(text, v.minor)) return std::nullopt;
  if (!text.empty() && text.front() == '.') {
    text.remove_prefix(1);
    if (!readInt(text, v.patch)) return std::nullopt;
  }
  // Anything after the numbers must be a pre-release or build suffix ("-aliyun.1", "+k3s1").
  if (!text.empty() && text.front() != '-' && text.front() != '+') return std::nullopt;
  if (v.major < 0 || v.minor < 0) return std::nullopt;
  return v;
}

std::string minorText(const Version& v) { return fmt::format("{}.{}", v.major, v.minor); }

std::vector<std::string> versionPath(const Version& from, const Version& to, bool ack) {
  std::vector<std::string> path{minorText(from)};
  if (to.major != from.major || to.minor <= from.minor) return path;
  int minor = from.minor;
  while (minor < to.minor) {
    int next = minor + 1;
    if (ack && next % 2 != 0 && next < to.minor) ++next;  // ACK releases are the even minors
    minor = std::min(next, to.minor);
    path.push_back(fmt::format("{}.{}", from.major, minor));
  }
  return path;
}

int maxBatch(int nodes) { return std::max(1, nodes / 10); }

std::vector<int> batchSizes(int nodes) {
  std::vector<int> out;
  const int cap = maxBatch(nodes);
  int next = 1;
  int left = nodes;
  while (left > 0) {
    const int size = std::min({next, cap, left});
    out.push_back(size);
    left -= size;
    if (next < cap) next *= 2;
  }
  return out;
}

const char* verdictName(Verdict v) noexcept {
  switch (v) {
    case Verdict::kGo:
      return "GO";
    case Verdict::kGoWithWarnings:
      return "GO WITH WARNINGS";
    case Verdict::kNoGo:
      return "NO-GO";
  }
  return "NO-GO";
}

const char* verdictNameZh(Verdict v) noexcept {
  switch (v) {
    case Verdict::kGo:
      return "可以升级";
    case Verdict::kGoWithWarnings:
      return "可以升级（有警告）";
    case Verdict::kNoGo:
      return "不可升级";
  }
  return "不可升级";
}

int exitCodeFor(Verdict v) noexcept {
  switch (v) {
    case Verdict::kGo:
      return 0;
    case Verdict::kGoWithWarnings:
      return kExitWarnings;
    case Verdict::kNoGo:
      return kExitNoGo;
  }
  return kExitNoGo;
}

Classification classify(const std::vector<model::Finding>& findings) {
  Classification c;
  for (const auto& f : findings) {
    switch (f.status) {
      case model::Status::kFail:
        c.blockers.push_back(&f);
        break;
      case model::Status::kWarn:
        c.warnings.push_back(&f);
        break;
      case model::Status::kError:
        c.unverified.push_back(&f);
        break;
      case model::Status::kPass:
        ++c.passed;
        break;
      case model::Status::kWaived:
        ++c.waived;
        break;
      default:
        break;
    }
  }
  auto bySeverity = [](const model::Finding* a, const model::Finding* b) {
    return a->severity < b->severity;  // critical first
  };
  std::stable_sort(c.blockers.begin(), c.blockers.end(), bySeverity);
  std::stable_sort(c.warnings.begin(), c.warnings.end(), bySeverity);
  if (!c.blockers.empty()) {
    c.verdict = Verdict::kNoGo;
  } else if (!c.warnings.empty() || !c.unverified.empty()) {
    c.verdict = Verdict::kGoWithWarnings;
  }
  return c;
}

NodePlan planNodes(std::vector<std::string> control_plane, std::vector<std::string> workers) {
  NodePlan plan;
  std::sort(control_plane.begin(), control_plane.end());
  std::sort(workers.begin(), workers.end());
  plan.control_plane = std::move(control_plane);
  plan.workers = static_cast<int>(workers.size());
  plan.max_batch = maxBatch(plan.workers);
  std::size_t at = 0;
  for (int size : batchSizes(plan.workers)) {
    plan.batches.emplace_back(workers.begin() + static_cast<std::ptrdiff_t>(at),
                              workers.begin() + static_cast<std::ptrdiff_t>(at + size));
    at += static_cast<std::size_t>(size);
  }
  return plan;
}

namespace {

model::Json itemJson(const model::Finding& f, const Report& report) {
  model::Json j = model::Json::object();
  j["rule_id"] = f.rule_id;
  j["subject"] = f.subject;
  j["status"] = model::statusName(f.status);
  j["severity"] = model::severityName(f.severity);
  auto it = report.rules.find(f.rule_id);
  j["title"] = it != report.rules.end() ? it->second.title_en : f.rule_id;
  j["title_zh"] = it != report.rules.end() ? it->second.title_zh : f.rule_id;
  j["message"] = f.message;
  j["evidence"] = f.evidence.is_null() ? model::Json::object() : f.evidence;
  j["remediation"] = it != report.rules.end() ? it->second.remediation_en : "";
  j["remediation_zh"] = it != report.rules.end() ? it->second.remediation_zh : "";
  return j;
}

model::Json itemsJson(const std::vector<const model::Finding*>& list, const Report& report) {
  model::Json out = model::Json::array();
  for (const auto* f : list) out.push_back(itemJson(*f, report));
  return out;
}

}  // namespace

model::Json toJson(const Report& report) {
  const auto& c = report.result;
  model::Json j = model::Json::object();
  j["schema_version"] = 1;
  j["kind"] = "kpatrol.precheck";
  j["scan_id"] = report.scan.id;
  j["snapshot_time"] = report.scan.snapshot_time;
  j["cluster"] = {{"name", report.scan.cluster_name},
                  {"uid", report.scan.cluster_uid},
                  {"version", report.scan.cluster_version},
                  {"flavour", report.scan.flavour}};
  j["from"] = report.from.empty() ? model::Json(nullptr) : model::Json(report.from);
  j["to"] = report.to;
  j["verdict"] = verdictName(c.verdict);
  j["exit_code"] = exitCodeFor(c.verdict);
  j["path"] = report.path;
  j["hops"] = report.path.empty() ? 0 : static_cast<int>(report.path.size()) - 1;
  j["window_days"] = report.window_days;
  j["counts"] = {{"blockers", c.blockers.size()},
                 {"warnings", c.warnings.size()},
                 {"unverified", c.unverified.size()},
                 {"passed", c.passed},
                 {"waived", c.waived}};
  j["blockers"] = itemsJson(c.blockers, report);
  // Unverified checks count as warnings: they are listed with them, status "error".
  model::Json warnings = itemsJson(c.warnings, report);
  for (auto& item : itemsJson(c.unverified, report)) warnings.push_back(std::move(item));
  j["warnings"] = std::move(warnings);
  model::Json batches = model::Json::array();
  for (const auto& b : report.nodes.batches) batches.push_back({{"size", b.size()}, {"nodes", b}});
  j["batch_plan"] = {{"control_plane", report.nodes.control_plane},
                     {"control_plane_managed", report.managed_control_plane},
                     {"workers", report.nodes.workers},
                     {"max_batch", report.nodes.max_batch},
                     {"batches", std::move(batches)}};
  return j;
}

namespace {

struct Words {
  const char* header;
  const char* unknown_version;
  const char* verdict;
  const char* counts;
  const char* blockers;
  const char* no_blockers;
  const char* warnings;
  const char* unverified;
  const char* evidence;
  const char* fix;
  const char* more;
  const char* path;
  const char* path_ack;
  const char* path_same;
  const char* path_unknown;
  const char* path_hops;
  const char* plan;
  const char* plan_cp;
  const char* plan_cp_managed;
  const char* plan_workers;
  const char* plan_batch;
  const char* plan_more;
  const char* plan_none;
};

constexpr Words kEn{
    "kpatrol precheck #{} — cluster {} ({}) {} → {}, snapshot {}",
    "unknown version",
    "Verdict: {}",
    "{} blocker(s), {} warning(s), {} check(s) that could not run",
    "Blockers — fix these before upgrading:",
    "No blockers.",
    "Warnings — review before upgrading:",
    "Could not check (counted as warnings, never as a pass):",
    "evidence",
    "fix",
    "... and {} more (see the JSON file)",
    "Version path (control plane, one minor version at a time): {}",
    "Version path (control plane, one ACK release at a time — the even minor versions): {}",
    "Version path: the cluster is already at {}; nothing to upgrade",
    "Version path: unknown — the snapshot has no cluster version (manifests); target {}",
    "{} steps: upgrade and re-run `kpatrol precheck --to <next>` before each one",
    "Node upgrade plan (control plane first, then workers in batches: 1, then powers of two, at "
    "most 10% of the workers each):",
    "control plane, one node at a time: {}",
    "control plane: managed by the provider (ACK upgrades it before the nodes)",
    "workers: {} node(s), at most {} per batch, {} batch(es)",
    "batch {:>2} ({}): {}",
    "... {} more batch(es)",
    "no nodes in the snapshot",
};

constexpr Words kZh{
    "kpatrol 升级前检查 #{} — 集群 {}（{}）{} → {}，快照时间 {}",
    "版本未知",
    "结论：{}",
    "阻断项 {} 个，警告 {} 个，无法检查 {} 项",
    "阻断项（升级前必须修复）：",
    "没有阻断项。",
    "警告（升级前请确认）：",
    "无法检查（按警告计，绝不视为通过）：",
    "证据",
    "修复",
    "……另有 {} 项（见 JSON 文件）",
    "升级路径（控制面每次只升级一个次版本）：{}",
    "升级路径（控制面每次只升级一个 ACK 版本，即偶数次版本）：{}",
    "升级路径：集群已是 {}，无需升级",
    "升级路径：未知 —— 快照中没有集群版本（清单文件）；目标 {}",
    "共 {} 步：每一步升级前都应重新执行 `kpatrol precheck --to <下一版本>`",
    "节点升级计划（先控制面，再分批升级工作节点：第一批 1 个，之后按 2 "
    "的幂递增，每批不超过工作节点数的 "
    "10%）：",
    "控制面节点逐个升级：{}",
    "控制面：由云厂商托管（ACK 先升级控制面，再升级节点）",
    "工作节点 {} 个，每批最多 {} 个，共 {} 批",
    "第 {:>2} 批（{} 个）：{}",
    "……另有 {} 批",
    "快照中没有节点",
};

std::string join(const std::vector<std::string>& items, const std::string& sep,
                 std::size_t limit = 8) {
  std::string out;
  for (std::size_t i = 0; i < items.size() && i < limit; ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  if (items.size() > limit) out += fmt::format("{}… (+{})", sep, items.size() - limit);
  return out;
}

std::string oneLine(std::string text, std::size_t max) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  if (text.size() > max) {
    text.resize(max);
    // Do not cut a UTF-8 sequence in half.
    while (!text.empty() && (static_cast<unsigned char>(text.back()) & 0xC0) == 0x80)
      text.pop_back();
    if (!text.empty() && (static_cast<unsigned char>(text.back()) & 0x80) != 0) text.pop_back();
    text += "…";
  }
  return text;
}

}  // namespace

std::string renderConsole(const Report& report, const std::string& lang, bool color,
                          std::size_t max_items) {
  const bool zh = lang == "zh";
  const Words& w = zh ? kZh : kEn;
  const auto& c = report.result;
  const std::string reset = color ? "\033[0m" : "";
  auto paint = [&](const char* code, const std::string& text) {
    return color ? code + text + reset : text;
  };
  const char* verdict_color = c.verdict == Verdict::kGo               ? "\033[1;32m"
                              : c.verdict == Verdict::kGoWithWarnings ? "\033[1;33m"
                                                                      : "\033[1;31m";
  const std::string from = report.scan.cluster_version.empty() ? std::string(w.unknown_version)
                                                               : report.scan.cluster_version;
  std::string out = paint("\033[1m", fmt::format(fmt::runtime(w.header), report.scan.id,
                                                 report.scan.cluster_name, report.scan.flavour,
                                                 from, report.to, report.scan.snapshot_time)) +
                    "\n\n";
  std::string verdict =
      zh ? fmt::format("{}（{}）", verdictNameZh(c.verdict), verdictName(c.verdict))
         : std::string(verdictName(c.verdict));
  out += paint(verdict_color, fmt::format(fmt::runtime(w.verdict), verdict)) + " — " +
         fmt::format(fmt::runtime(w.counts), c.blockers.size(), c.warnings.size(),
                     c.unverified.size()) +
         "\n\n";

  auto title = [&](const model::Finding& f) {
    auto it = report.rules.find(f.rule_id);
    if (it == report.rules.end()) return f.rule_id;
    return zh ? it->second.title_zh : it->second.title_en;
  };
  auto fix = [&](const model::Finding& f) {
    auto it = report.rules.find(f.rule_id);
    if (it == report.rules.end()) return std::string();
    return zh ? it->second.remediation_zh : it->second.remediation_en;
  };
  auto list = [&](const std::vector<const model::Finding*>& items, const char* mark,
                  const char* code, bool details) {
    std::size_t shown = 0;
    for (const auto* f : items) {
      if (shown == max_items) break;
      ++shown;
      out += fmt::format("  {} [{}] {} — {}\n", paint(code, mark), model::severityName(f->severity),
                         f->subject, title(*f));
      out += fmt::format("      {}: {}\n", f->rule_id, oneLine(f->message, 400));
      if (details) {
        if (!f->evidence.is_null() && !f->evidence.empty())
          out += fmt::format("      {}: {}\n", w.evidence, oneLine(f->evidence.dump(), 300));
        const std::string text = fix(*f);
        if (!text.empty()) out += fmt::format("      {}: {}\n", w.fix, oneLine(text, 400));
      }
    }
    if (items.size() > shown)
      out += "  " + fmt::format(fmt::runtime(w.more), items.size() - shown) + "\n";
  };

  if (c.blockers.empty()) {
    out += paint("\033[32m", w.no_blockers) + "\n\n";
  } else {
    out += paint("\033[1;31m", w.blockers) + "\n";
    list(c.blockers, "✗", "\033[31m", true);
    out += "\n";
  }
  if (!c.warnings.empty()) {
    out += paint("\033[1;33m", w.warnings) + "\n";
    list(c.warnings, "!", "\033[33m", false);
    out += "\n";
  }
  if (!c.unverified.empty()) {
    out += paint("\033[1;35m", w.unverified) + "\n";
    list(c.unverified, "?", "\033[35m", false);
    out += "\n";
  }

  // The path.
  if (report.from.empty()) {
    out += fmt::format(fmt::runtime(w.path_unknown), report.to) + "\n";
  } else if (report.path.size() <= 1) {
    out += fmt::format(fmt::runtime(w.path_same), report.from) + "\n";
  } else {
    const bool ack = report.scan.flavour.starts_with("ack");
    out +=
        fmt::format(fmt::runtime(ack ? w.path_ack : w.path), join(report.path, " → ", 64)) + "\n";
    if (report.path.size() > 2)
      out += "  " + fmt::format(fmt::runtime(w.path_hops), report.path.size() - 1) + "\n";
  }
  out += "\n";

  // The node plan.
  const auto& plan = report.nodes;
  out += std::string(w.plan) + "\n";
  if (report.managed_control_plane) {
    out += std::string("  ") + w.plan_cp_managed + "\n";
  } else if (!plan.control_plane.empty()) {
    out += "  " + fmt::format(fmt::runtime(w.plan_cp), join(plan.control_plane, " → ", 16)) + "\n";
  }
  if (plan.workers == 0 && plan.control_plane.empty()) {
    out += std::string("  ") + w.plan_none + "\n";
  } else if (plan.workers > 0) {
    out += "  " +
           fmt::format(fmt::runtime(w.plan_workers), plan.workers, plan.max_batch,
                       plan.batches.size()) +
           "\n";
    constexpr std::size_t kShownBatches = 12;
    for (std::size_t i = 0; i < plan.batches.size() && i < kShownBatches; ++i) {
      out += "    " +
             fmt::format(fmt::runtime(w.plan_batch), i + 1, plan.batches[i].size(),
                         join(plan.batches[i], ", ", 6)) +
             "\n";
    }
    if (plan.batches.size() > kShownBatches)
      out += "    " + fmt::format(fmt::runtime(w.plan_more), plan.batches.size() - kShownBatches) +
             "\n";
  }
  return out;
}

}  // namespace kpatrol::app::precheck
