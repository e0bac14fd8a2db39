// SPDX-License-Identifier: Apache-2.0
// Plugin probes, the pure parts: the sections of the probe output a pack probe reads (framing,
// caps, exit status) and the nvgpu pack's Lua parsers on its captured outputs, through the
// real sandbox (ProbeParserRunner).
#include <doctest/doctest.h>

#include "kpatrol/collect/plugin_probes.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/engine/probe_parser.h"
#include "kpatrol/engine/rule.h"

namespace kc = kpatrol::collect;
namespace ke = kpatrol::engine;

namespace {

kc::PluginProbeSpec spec(std::size_t cap = 64) { return {"nvgpu", "smi", "nvidia-smi", 5, cap}; }

std::string framed(const std::string& body, const std::string& rc) {
  return "KPATROL-PROBE 1 KP-0123456789abcdef max=1048576\n"
         "KP-0123456789abcdef begin plugin:nvgpu/smi\n" +
         body + "\nKP-0123456789abcdef end plugin:nvgpu/smi rc=" + rc +
         "\nKP-0123456789abcdef done\n";
}

std::string fixture(const std::string& rel) {
  auto text =
      kpatrol::readFile(std::string(KPATROL_SOURCE_DIR) + "/plugins/packs/nvgpu/" + rel, 1 << 20);
  REQUIRE(text);
  return *text;
}

}  // namespace

TEST_CASE("a probe's section: body, exit status, cap, absence") {
  auto out = kc::pluginProbeOutput(framed("0, Tesla T4", "0"), spec());
  CHECK(out.body == "0, Tesla T4");
  CHECK(out.rc == 0);
  CHECK(kc::pluginProbeProblem(out, spec()).empty());

  auto failed = kc::pluginProbeOutput(framed("", "4"), spec());
  CHECK(kc::pluginProbeProblem(failed, spec()).find("exited with status 4") != std::string::npos);
  auto timed_out = kc::pluginProbeOutput(framed("", "124"), spec());
  CHECK(kc::pluginProbeProblem(timed_out, spec()).find("timed out after 5 s") != std::string::npos);
  auto big = kc::pluginProbeOutput(framed(std::string(65, 'x'), "0"), spec(64));
  CHECK(big.truncated);
  CHECK(big.body.size() == 64);
  CHECK(kc::pluginProbeProblem(big, spec(64)).find("cap of 64 bytes") != std::string::npos);

  auto missing = kc::pluginProbeOutput("KPATROL-PROBE 1 KP-0123456789abcdef max=10\n", spec());
  CHECK(missing.missing);
  CHECK(kc::pluginProbeProblem(missing, spec()).find("did not run") != std::string::npos);
  // A section name printed without the run's nonce is content, not a section.
  auto forged = kc::pluginProbeOutput(
      "KPATROL-PROBE 1 KP-0123456789abcdef max=10\nKP-x begin plugin:nvgpu/smi\nhi\n", spec());
  CHECK(forged.missing);
}

TEST_CASE("the script text quotes every value and runs each probe once") {
  const auto script = kc::pluginProbeScript({spec(), {"p", "q", "echo 'a' $(id)", 7, 9}});
  CHECK(script.find("kp_plugin 'plugin:nvgpu/smi' '64' '5' 'nvidia-smi'\n") != std::string::npos);
  CHECK(script.find("kp_plugin 'plugin:p/q' '9' '7' 'echo '\\''a'\\'' $(id)'\n") !=
        std::string::npos);
  CHECK(kc::pluginProbeScript({}).empty());
}

TEST_CASE("the nvgpu parsers on the captured outputs") {
  auto packs = ke::readPacks(std::string(KPATROL_SOURCE_DIR) + "/plugins/packs/nvgpu");
  REQUIRE(packs);
  REQUIRE(packs->size() == 1);
  ke::RuleSet set;
  set.packs = *packs;
  const auto& pack = set.packs.front();
  REQUIRE(pack.probes.size() == 2);
  auto runner = ke::ProbeParserRunner::create(set);
  REQUIRE(runner);

  auto ok = (*runner)->parse(pack, pack.probes[0], fixture("tests/probes/smi-ok.txt"));
  REQUIRE(ok);
  CHECK((*ok)["count"] == 2);
  CHECK((*ok)["gpus"][0]["persistence_mode"] == "Enabled");
  CHECK((*ok)["gpus"][1]["temperature_c"] == 36);

  auto gone = (*runner)->parse(pack, pack.probes[0], fixture("tests/probes/smi-driver-gone.txt"));
  REQUIRE(gone);
  CHECK((*gone)["ok"] == false);
  CHECK((*gone)["exit_status"] == 9);

  auto xid = (*runner)->parse(pack, pack.probes[1], fixture("tests/probes/xid-errors.txt"));
  REQUIRE(xid);
  CHECK((*xid)["count"] == 3);
  CHECK((*xid)["codes"]["48"] == 2);

  auto none = (*runner)->parse(pack, pack.probes[1], fixture("tests/probes/xid-none.txt"));
  REQUIRE(none);
  CHECK((*none)["count"] == 0);

  auto unknown = (*runner)->parse(pack, pack.probes[1], "[1.0] NVRM: Xid something new\n");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("probes/xid.lua:") != std::string::npos);
  CHECK(unknown.error().message.find("unknown format") != std::string::npos);

  auto cut = (*runner)->parse(pack, pack.probes[0], "0, Tesla T4, 00000000:00:07.0\n");
  REQUIRE_FALSE(cut);
  CHECK(cut.error().message.find("no 'kpatrol: exit' line") != std::string::npos);
}
