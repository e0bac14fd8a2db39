// SPDX-License-Identifier: Apache-2.0
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
  // The problems as listed: by severity, fail before warn, then evaluation order. Findings are
  // streamed (a large scan's are not loaded), so only the first max_items of each (severity,
  // status) bucket are kept, which is all the listing can show.
  std::map<std::pair<int, int>, std::vector<model::Finding>> buckets;
  std::size_t todo_count = 0;
  std::vector<model::Finding> error_examples;
  std::size_t error_count = 0;
  constexpr std::size_t kErrorExamples = 5;
  const Status read = forEachFinding(data, [&](const model::Finding& f) {
    if (f.status == model::Status::kFail || f.status == model::Status::kWarn) {
      ++todo_count;
      auto& bucket =
          buckets[{static_cast<int>(f.severity), f.status == model::Status::kFail ? 0 : 1}];
      if (bucket.size() < options.max_items) bucket.push_back(f);
    } else if (f.status == model::Status::kError) {
      ++error_count;
      if (error_examples.size() < kErrorExamples) error_examples.push_back(f);
    }
    return okStatus();
  });
  std::vector<const model::Finding*> todo;
  for (const auto& [key, bucket] : buckets) {
    for (const auto& f : bucket) todo.push_back(&f);
  }
  out += "\n";
  out += todo_count == 0 ? paint("\033[32m", std::string(w.none)) + "\n"
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
  if (todo_count > options.max_items) {
    out += "  " + fmt::format(fmt::runtime(w.more), todo_count - options.max_items) + "\n";
  }
  if (error_count > 0) {
    out += "\n" + fmt::format(fmt::runtime(w.errors), error_count) + "\n";
    for (const auto& e : error_examples) {
      out +=
          fmt::format("  {} {}: {}\n", e.rule_id, e.subject, model::messageIn(e, zh ? "zh" : "en"));
    }
  }
  if (!read) out += "\n(the findings could not all be read: " + read.error().message + ")\n";
  return out;
}

}  // namespace kpatrol::report
