// SPDX-License-Identifier: Apache-2.0
// kpatrol diagnose: a focused run for one question (a node, a pod, DNS, a network path). Loads
// the same sources as scan, evaluates only the rules that can say something about the question
// and prints the causes ranked in the order of the diagnosis flow. Nothing is stored.
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <iostream>

#include <spdlog/spdlog.h>

#include "app.h"
#include "diagnose_rank.h"
#include "kpatrol/engine/evaluator.h"
#include "kpatrol/engine/profile.h"
#include "kpatrol/engine/rule.h"
#include "sources.h"

namespace kpatrol::app {

namespace {

struct DiagnoseOptions {
  SourceOptions source;
  std::vector<std::string> question;
  std::string profile = "health";
  std::vector<std::string> rule_packs;
  int rule_timeout_ms = 2000;
  std::size_t max_causes = 20;
};

struct Loaded {
  engine::RuleSet rules;
  engine::Selection selection;
};

Result<Loaded> loadRulesFor(const DiagnoseOptions& opt, const diagnose::Question& q,
                            const diagnose::Relevance& rel) {
  auto builtin = engine::builtinPacks();
  if (!builtin) return std::move(builtin).error();
  std::vector<engine::PackSource> packs = std::move(*builtin);
  std::vector<std::string> extra;
  for (const auto& path : opt.rule_packs) {
    auto more = engine::readPacks(path);
    if (!more) return std::move(more).error();
    for (auto& p : *more) {
      // A pack given on the command line replaces the built-in pack of the same name, so
      // edited rules can be diagnosed with before they are built in.
      std::erase_if(packs,
                    [&](const engine::PackSource& b) { return b.builtin && b.name == p.name; });
      extra.push_back(p.name);
      packs.push_back(std::move(p));
    }
  }
  Loaded out;
  out.rules = engine::loadRules(std::move(packs));
  for (const auto& m : out.rules.messages) spdlog::warn("{}", m.format());
  auto profile = engine::resolveProfile(out.rules, opt.profile);
  if (!profile) return std::move(profile).error();
  out.selection = engine::selectRules(out.rules, *profile, extra);
  for (const auto& m : out.selection.messages) {
    if (m.error) return makeError(Errc::kInvalidArgument, m.format());
  }
  std::erase_if(out.selection.entries, [&](const engine::Selection::Entry& e) {
    return !diagnose::ruleRelevant(q, rel, *e.rule);
  });
  return out;
}

std::string statusLabel(model::Status s, bool zh) {
  return zh ? model::statusNameZh(s) : model::statusName(s);
}

std::string compact(const model::Json& evidence, std::size_t max) {
  if (evidence.is_null() || (evidence.is_object() && evidence.empty())) return {};
  std::string s = evidence.dump(-1, ' ', false, model::Json::error_handler_t::replace);
  if (s.size() > max) s = s.substr(0, max) + "...";
  return s;
}

std::string questionText(const diagnose::Question& q) {
  switch (q.kind) {
    case diagnose::Kind::kNode:
      return "node " + q.node;
    case diagnose::Kind::kPod:
      return "pod " + q.ns + "/" + q.name;
    case diagnose::Kind::kDns:
      return "dns";
    case diagnose::Kind::kNetwork:
      return "network " + q.src + " -> " + q.dst + ":" + std::to_string(q.port);
  }
  return {};
}

void printText(const diagnose::Question& q, const diagnose::Relevance& rel,
               const std::vector<diagnose::Cause>& causes, std::size_t rules, std::size_t checks,
               std::size_t max, bool zh) {
  std::cout << (zh ? "诊断: " : "Diagnosis: ") << questionText(q);
  if (!rel.context.empty()) {
    std::cout << " (";
    for (std::size_t i = 0; i < rel.context.size(); ++i) {
      std::cout << (i ? ", " : "") << rel.context[i];
    }
    std::cout << ")";
  }
  std::cout << "\n"
            << (zh ? "已评估 " : "Evaluated ") << rules << (zh ? " 条规则，" : " rules, ") << checks
            << (zh ? " 项相关检查。\n\n" : " related checks.\n\n");
  if (causes.empty()) {
    std::cout << (zh ? "未发现问题：所有相关检查均正常。\n"
                     : "No problem found: every related check passed.\n");
    return;
  }
  std::cout << (zh ? "可能原因（按诊断流程排序）:\n"
                   : "Likely causes, in the order of the diagnosis flow:\n");
  std::size_t n = 0;
  for (const auto& c : causes) {
    if (++n > max) {
      std::cout << "... " << (causes.size() - max)
                << (zh ? " 项更多结果（--max-causes 调整）\n" : " more (--max-causes)\n");
      break;
    }
    std::cout << n << ". [" << statusLabel(c.status, zh) << " " << model::severityName(c.severity)
              << "] " << (zh ? c.stage_zh : c.stage_en) << " · "
              << (zh && !c.title_zh.empty() ? c.title_zh : c.title_en) << "\n"
              << "   " << c.subject << " (" << c.rule_id << ")\n"
              << "   " << c.message << "\n";
    if (auto ev = compact(c.evidence, 300); !ev.empty()) {
      std::cout << (zh ? "   证据: " : "   evidence: ") << ev << "\n";
    }
    const std::string& fix = zh && !c.remediation_zh.empty() ? c.remediation_zh : c.remediation_en;
    if (!fix.empty()) std::cout << (zh ? "   修复: " : "   fix: ") << fix << "\n";
  }
}

model::Json toJson(const diagnose::Question& q, const diagnose::Relevance& rel,
                   const std::vector<diagnose::Cause>& causes, std::size_t rules,
                   std::size_t checks, double seconds) {
  model::Json out = model::Json::object();
  out["question"] = {{"kind", diagnose::kindName(q.kind)}, {"text", questionText(q)}};
  out["context"] = rel.context;
  out["rules_evaluated"] = rules;
  out["checks"] = checks;
  out["seconds"] = seconds;
  model::Json list = model::Json::array();
  std::size_t rank = 0;
  for (const auto& c : causes) {
    list.push_back({{"rank", ++rank},
                    {"stage", c.stage},
                    {"stage_title", {{"en", c.stage_en}, {"zh", c.stage_zh}}},
                    {"status", model::statusName(c.status)},
                    {"severity", model::severityName(c.severity)},
                    {"rule", c.rule_id},
                    {"subject", c.subject},
                    {"title", {{"en", c.title_en}, {"zh", c.title_zh}}},
                    {"message", c.message},
                    {"evidence", c.evidence},
                    {"remediation", {{"en", c.remediation_en}, {"zh", c.remediation_zh}}}});
  }
  out["causes"] = std::move(list);
  return out;
}

int runDiagnose(const GlobalOptions& global, const DiagnoseOptions& opt) {
  const auto started = std::chrono::steady_clock::now();
  auto q = diagnose::parseQuestion(opt.question);
  if (!q) return fail(q.error());
  if (auto s = checkSources(opt.source, "diagnose"); !s) return fail(s.error());
  auto snapshot = loadSource(opt.source, global);
  if (!snapshot) return fail(snapshot.error());
  auto rel = diagnose::relate(*q, **snapshot);
  if (!rel) return fail(rel.error());
  auto loaded = loadRulesFor(opt, *q, *rel);
  if (!loaded) return fail(loaded.error());

  // Two passes: the rules that need every object on the whole snapshot, the others on a
  // snapshot narrowed to the question's nodes, Pods and workloads.
  engine::Selection wide, narrow;
  for (auto& e : loaded->selection.entries) {
    (diagnose::runsWide(*q, *e.rule) ? wide : narrow).entries.push_back(e);
  }
  auto narrowed = model::Snapshot::fromJson(diagnose::narrowDocument(**snapshot, *rel), "diagnose");
  if (!narrowed) return fail(narrowed.error());

  engine::EvalOptions eval;
  eval.jobs = global.jobs;
  eval.limits.call_timeout = std::chrono::milliseconds(opt.rule_timeout_ms);
  installSignalHandlers();
  eval.cancel = &cancelFlag();
  std::vector<model::Finding> findings;
  std::uint64_t evaluations = 0;
  auto keep = [&](std::vector<model::Finding>&& batch) {
    for (auto& f : batch) {
      if (rel->subjects.count(f.subject) != 0 || q->kind == diagnose::Kind::kDns) {
        findings.push_back(std::move(f));
      }
    }
  };
  for (const auto& [selection, snap] :
       {std::pair{&wide, *snapshot}, std::pair{&narrow, *narrowed}}) {
    if (selection->entries.empty()) continue;
    auto stats = engine::evaluate(loaded->rules, *selection, *snap, {}, eval, keep);
    if (!stats) return fail(stats.error());
    if (stats->cancelled) return kExitInterrupted;
    evaluations += stats->evaluations;
  }
  const auto causes = diagnose::rank(*q, *rel, findings, loaded->rules);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  spdlog::info("diagnose {}: {} rules, {} evaluations, {} related findings, {:.2f}s",
               questionText(*q), loaded->selection.entries.size(), evaluations, findings.size(),
               seconds);
  const bool json =
      std::find(global.formats.begin(), global.formats.end(), "json") != global.formats.end();
  if (json) {
    std::cout << toJson(*q, *rel, causes, loaded->selection.entries.size(), findings.size(),
                        seconds)
                     .dump(2, ' ', false, model::Json::error_handler_t::replace)
              << "\n";
  } else {
    printText(*q, *rel, causes, loaded->selection.entries.size(), findings.size(), opt.max_causes,
              global.lang == "zh");
  }
  return kExitOk;
}

}  // namespace

void addDiagnoseCommand(CLI::App& app, GlobalOptions& global) {
  auto opt = std::make_shared<DiagnoseOptions>();
  auto* cmd = app.add_subcommand(
      "diagnose",
      "Diagnose one problem (故障诊断): evaluate only the rules about it and print the likely\n"
      "causes with evidence and the fix, in the order of the diagnosis flow\n"
      "(Pod -> Node -> Network -> node components -> cluster components). Examples:\n"
      "  kpatrol diagnose pod shop/cart-2bztbb4hrw-hkg8c --demo\n"
      "  kpatrol diagnose node worker-3 --demo --lang zh\n"
      "  kpatrol diagnose dns --snapshot ./snap\n"
      "  kpatrol diagnose network shop/frontend-5q46z6tmz9-gm65q svc/payments/payments-api 8080 "
      "--demo\n"
      "SRC and DST are NAMESPACE/POD, svc/NAMESPACE/NAME, a node name or an IP address.");
  cmd->add_option("question", opt->question,
                  "node NAME | pod NAMESPACE/NAME | dns | network SRC DST PORT")
      ->required()
      ->expected(1, 4);
  addSourceOptions(cmd, opt->source);
  cmd->add_option("--profile", opt->profile,
                  "profile whose rules and parameters are used (default health)")
      ->capture_default_str();
  cmd->add_option("--rules", opt->rule_packs, "an extra rule pack (repeatable)");
  cmd->add_option("--rule-timeout", opt->rule_timeout_ms, "time budget per rule and subject, in ms")
      ->check(CLI::Range(10, 600000))
      ->capture_default_str();
  cmd->add_option("--max-causes", opt->max_causes, "print at most this many causes (text output)")
      ->capture_default_str();
  cmd->footer(
      "Output: text on stdout, or JSON with the global --format json. Nothing is stored.\n"
      "Exit status: 0 the diagnosis ran (whatever it found); 2 a usage or runtime error (an\n"
      "unknown pod or node, a bad source); 130 interrupted.");
  cmd->callback([opt, &global] { exitCode() = runDiagnose(global, *opt); });
}

}  // namespace kpatrol::app
