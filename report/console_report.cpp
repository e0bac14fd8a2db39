// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "kpatrol/report/report.h"

namespace kpatrol::report {
namespace {

struct Words {
  const char* header;
  const char* state;
  const char* incomplete;
  const char* scores;
  const char* overall;
  const char* todo;
  const char* none;
  const char* more;
  const char* errors;
  const char* counts_header;
};

constexpr Words kEn{"kpatrol scan #{} — cluster {} ({}, {}), snapshot {}, profile {}",
                    "state: {}",
                    "WARNING: this scan is incomplete; do not read it as a clean result",
                    "Scores",
                    "overall",
                    "To fix, most severe first (fail and warn):",
                    "Nothing to fix: no fail or warn findings.",
                    "... and {} more (see the JSON report)",
                    "Could not evaluate ({} error findings), e.g.:",
                    "pass  warn  fail  error  na  manual  waived"};
constexpr Words kZh{"kpatrol 巡检 #{} — 集群 {} ({}, {})，快照时间 {}，配置 {}",
                    "状态: {}",
                    "警告：本次巡检未完成，结果不能视为正常",
                    "评分",
                    "总体",
                    "待处理项（异常与警告，按严重程度排序）：",
                    "没有需要处理的异常或警告。",
                    "……另有 {} 项（见 JSON 报告）",
                    "无法评估（{} 项未知），例如：",
                    "正常  警告  异常  未知  不适用  人工  豁免"};

const char* color(model::Status s) {
  switch (s) {
    case model::Status::kFail:
      return "\033[31m";
    case model::Status::kWarn:
      return "\033[33m";
    case model::Status::kPass:
      return "\033[32m";
    case model::Status::kError:
      return "\033[35m";
    default:
      return "";
  }
}

const char* gradeColor(const std::string& grade) {
  if (grade == "A" || grade == "B") return "\033[32m";
  if (grade == "C" || grade == "D") return "\033[33m";
  if (grade == "F") return "\033[31m";
  return "";
}

}  // namespace

std::string renderConsole(const ScanData& data, const ConsoleOptions& options) {
  const Words& w = options.lang == "zh" ? kZh : kEn;
  const bool zh = options.lang == "zh";
  const auto& s = data.scan;
  // Colour wraps text that is already padded, so columns line up with and without it.
  const std::string reset = options.color ? "\033[0m" : "";
  auto paint = [&](const char* code, const std::string& text) {
    return options.color && *code != '\0' ? code + text + reset : text;
  };
  std::string out =
      paint("\033[1m",
            fmt::format(fmt::runtime(w.header), s.id, s.cluster_name.empty() ? "-" : s.cluster_name,
                        s.cluster_version.empty() ? "?" : s.cluster_version,
                        s.flavour.empty() ? "unknown" : s.flavour, s.snapshot_time, s.profile));
  out += "\n" + fmt::format(fmt::runtime(w.state), store::scanStateName(s.state)) + "\n";
  if (s.state != store::ScanState::kComplete) {
    out += paint("\033[1;31m", std::string(w.incomplete)) + "\n";
  }

  out +=
      "\n" +
      paint("\033[1m", fmt::format("{}{:<34} {:>6} {:>5}   {}", w.scores, "", zh ? "分数" : "score",
                                   zh ? "等级" : "grade", w.counts_header)) +
      "\n";
  for (const auto& sc : data.scores) {
    const std::string title =
        sc.group_id.empty()
            ? std::string(w.overall) + ((zh ? sc.group_title_zh : sc.group_title_en).empty()
                                            ? std::string()
                                            : " — " + (zh ? sc.group_title_zh : sc.group_title_en))
            : "  " + (zh ? sc.group_title_zh : sc.group_title_en);
    const std::string score = sc.score ? fmt::format("{:.1f}", *sc.score) : "-";
    out += fmt::format("  {:<38} {:>6} {}   {:>4}  {:>4}  {:>4}  {:>5}  {:>2}  {:>6}  {:>6}\n",
                       title, score, paint(gradeColor(sc.grade), fmt::format("{:>5}", sc.grade)),
                       sc.counts.pass, sc.counts.warn, sc.counts.fail, sc.counts.error,
                       sc.counts.na, sc.counts.manual, sc.counts.waived);
  }

  std::map<std::string, const store::RuleRecord*> rules;
  for (const auto& r : data.rules) rules[r.rule_id] = &r;
  std::vector<const model::Finding*> todo;
  std::vector<const model::Finding*> errors;
  for (const auto& f : data.findings) {
    if (f.status == model::Status::kFail || f.status == model::Status::kWarn) todo.push_back(&f);
    if (f.status == model::Status::kError) errors.push_back(&f);
  }
  std::stable_sort(todo.begin(), todo.end(), [](const model::Finding* a, const model::Finding* b) {
    if (a->severity != b->severity) return a->severity < b->severity;
    return a->status == model::Status::kFail && b->status != model::Status::kFail;
  });
  out += "\n";
  out += todo.empty() ? paint("\033[32m", std::string(w.none)) + "\n"
                      : paint("\033[1m", std::string(w.todo)) + "\n";
  for (std::size_t i = 0; i < todo.size() && i < options.max_items; ++i) {
    const auto* f = todo[i];
    auto it = rules.find(f->rule_id);
    const std::string title =
        it == rules.end() ? f->rule_id : (zh ? it->second->title_zh : it->second->title_en);
    out += fmt::format("  {}{:<4} {:<8}{} {} — {}\n      {}: {}\n",
                       options.color ? color(f->status) : "", model::statusName(f->status),
                       model::severityName(f->severity), reset, f->subject, title, f->rule_id,
                       model::messageIn(*f, zh ? "zh" : "en"));
  }
  if (todo.size() > options.max_items) {
    out += "  " + fmt::format(fmt::runtime(w.more), todo.size() - options.max_items) + "\n";
  }
  if (!errors.empty()) {
    out += "\n" + fmt::format(fmt::runtime(w.errors), errors.size()) + "\n";
    for (std::size_t i = 0; i < errors.size() && i < 5; ++i) {
      out += fmt::format("  {} {}: {}\n", errors[i]->rule_id, errors[i]->subject,
                         model::messageIn(*errors[i], zh ? "zh" : "en"));
    }
  }
  return out;
}

}  // namespace kpatrol::report
