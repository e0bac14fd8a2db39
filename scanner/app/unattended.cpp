// SPDX-License-Identifier: Apache-2.0
// Outputs for unattended runs (the in-cluster CronJob): a metrics file for node-exporter's
// textfile collector, a push to a Prometheus Pushgateway, and a one-line JSON summary on stdout
// for log pipelines.
#include <curl/curl.h>

#include <memory>

#include <spdlog/spdlog.h>

#include "app.h"
#include "kpatrol/core/fs.h"
#include "kpatrol/report/report.h"

namespace kpatrol::app {
namespace {

struct CurlDeleter {
  void operator()(CURL* c) const noexcept { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const noexcept { curl_slist_free_all(l); }
};

std::string urlEncode(CURL* curl, const std::string& s) {
  std::unique_ptr<char, decltype(&curl_free)> enc(
      curl_easy_escape(curl, s.data(), static_cast<int>(s.size())), &curl_free);
  return enc ? std::string(enc.get()) : std::string();
}

size_t discardBody(char* /*data*/, size_t size, size_t n, void* /*user*/) { return size * n; }

Result<std::string> prometheusText(const report::ScanData& data) {
  auto files = report::render(data, "prom", report::RenderOptions{});
  if (!files) return std::move(files).error();
  if (files->empty()) return makeError(Errc::kInternal, "the prometheus renderer wrote nothing");
  return std::move(files->front().content);
}

// PUT replaces every metric of the group {job="kpatrol", cluster=...}, so a rule that no
// longer fails stops being reported instead of lingering.
Status push(const std::string& text, const std::string& url, const std::string& cluster,
            int timeout_s) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return makeError(Errc::kInternal, "cannot create a libcurl handle");
  std::string base = url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const std::string target = base + "/metrics/job/kpatrol/cluster/" +
                             urlEncode(curl.get(), cluster.empty() ? "unknown" : cluster);
  std::unique_ptr<curl_slist, SlistDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: text/plain; version=0.0.4"));
  curl_easy_setopt(curl.get(), CURLOPT_URL, target.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, "PUT");
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, text.data());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(text.size()));
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout_s));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, discardBody);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return makeError(Errc::kUnavailable,
                     "pushing metrics to " + target + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) {
    return makeError(Errc::kUnavailable,
                     "pushing metrics to " + target + ": HTTP " + std::to_string(status));
  }
  spdlog::info("pushed {} bytes of metrics to {}", text.size(), target);
  return okStatus();
}

}  // namespace

std::shared_ptr<UnattendedOptions> addUnattendedOptions(CLI::App* cmd) {
  auto opt = std::make_shared<UnattendedOptions>();
  cmd->add_option("--metrics-file", opt->metrics_file,
                  "also write the scan's Prometheus metrics to this file (atomically, for "
                  "node-exporter's textfile collector, e.g. /var/lib/node_exporter/kpatrol.prom)");
  cmd->add_option("--pushgateway", opt->pushgateway,
                  "push the scan's metrics to this Prometheus Pushgateway URL (group "
                  "job=kpatrol, cluster=<name>; replaces the group's previous metrics)");
  cmd->add_option("--summary", opt->summary,
                  "stdout: 'table' (the console summary) or 'json' (one compact JSON line for "
                  "log pipelines)")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  return opt;
}

Status publishMetrics(const report::ScanData& data, const UnattendedOptions& options) {
  if (options.metrics_file.empty() && options.pushgateway.empty()) return okStatus();
  auto text = prometheusText(data);
  if (!text) return std::move(text).error();
  if (!options.metrics_file.empty()) {
    if (auto s = writeFileAtomic(options.metrics_file, *text, 0644); !s) {
      return std::move(s).error().withContext("writing --metrics-file");
    }
  }
  if (!options.pushgateway.empty()) {
    return push(*text, options.pushgateway, data.scan.cluster_name, options.push_timeout_s);
  }
  return okStatus();
}

std::string summaryJson(const report::ScanData& data, const std::vector<std::string>& reports,
                        const std::string& db, int exit_code) {
  model::Json j;
  j["kpatrol"] = "scan";
  j["scan_id"] = data.scan.id;
  j["state"] = store::scanStateName(data.scan.state);
  j["cluster"] = data.scan.cluster_name;
  j["cluster_version"] = data.scan.cluster_version;
  j["profile"] = data.scan.profile;
  for (const auto& s : data.scores) {
    if (!s.group_id.empty()) continue;
    j["score"] = s.score ? model::Json(*s.score) : model::Json(nullptr);
    j["grade"] = s.grade;
    j["counts"] = {{"pass", s.counts.pass},    {"warn", s.counts.warn}, {"fail", s.counts.fail},
                   {"error", s.counts.error},  {"na", s.counts.na},     {"manual", s.counts.manual},
                   {"waived", s.counts.waived}};
  }
  j["collection_errors"] = data.errors.size();
  j["reports"] = reports;
  j["database"] = db;
  j["exit_code"] = exit_code;
  return j.dump();
}

}  // namespace kpatrol::app
