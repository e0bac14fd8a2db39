// SPDX-License-Identifier: Apache-2.0
#include "list_page.h"

namespace kpatrol::collect::api {
namespace {

// CRDs are kept for their names, groups and versions; the OpenAPI schemas are most of their
// size and no rule reads them.
void trimCrd(model::Json& crd) {
  auto spec = crd.find("spec");
  if (spec == crd.end() || !spec->is_object()) return;
  spec->erase("validation");
  if (auto vs = spec->find("versions"); vs != spec->end() && vs->is_array()) {
    for (auto& v : *vs) {
      if (v.is_object()) v.erase("schema");
    }
  }
}

}  // namespace

std::string bodyExcerpt(std::string_view body) {
  std::string out;
  for (char ch : body.substr(0, 80)) out.push_back(ch >= 0x20 && ch < 0x7f ? ch : ' ');
  if (body.size() > 80) out += "...";
  return out;
}

Result<PageInfo> parseListPage(std::string_view body, const std::string& url,
                               const std::string& plural, model::Json& items) {
  // managedFields keep manager, operation, apiVersion and time; their fieldsV1 trees (most of
  // an object's size, and read by no rule) are dropped while parsing.
  const model::Json::parser_callback_t drop_managed_fields =
      [](int /*depth*/, model::Json::parse_event_t event, model::Json& parsed) {
        return !(event == model::Json::parse_event_t::key &&
                 (parsed == "fieldsV1" || parsed == "fieldsType"));
      };
  model::Json page = model::Json::parse(body, drop_managed_fields, false);
  if (page.is_discarded()) {
    return makeError(Errc::kParse, "the response from " + url + " is not JSON (it starts: \"" +
                                       bodyExcerpt(body) + "\")");
  }
  if (!page.is_object()) {
    return makeError(Errc::kParse, "the response from " + url + " is not a list object");
  }
  auto list_items = page.find("items");
  if (list_items == page.end() || !(list_items->is_array() || list_items->is_null())) {
    return makeError(Errc::kParse, "the response from " + url + " has no \"items\" list (kind \"" +
                                       page.value("kind", std::string()) + "\")");
  }
  std::string kind = page.value("kind", std::string());
  if (kind.ends_with("List")) kind.resize(kind.size() - 4);
  const std::string api_version = page.value("apiVersion", std::string());
  PageInfo info;
  if (auto m = page.find("metadata"); m != page.end() && m->is_object()) {
    if (auto c = m->find("continue"); c != m->end() && c->is_string()) {
      info.continue_token = c->get<std::string>();
    }
  }
  if (list_items->is_null()) return info;
  for (auto& item : *list_items) {
    if (!item.is_object()) continue;
    if (plural == "events" && item.value("type", std::string()) != "Warning") continue;
    if (plural == "customresourcedefinitions") trimCrd(item);
    // kubectl -o json puts apiVersion and kind first; the API leaves them out of list items.
    if (!item.contains("kind")) {
      model::Json obj = model::Json::object();
      obj["apiVersion"] = api_version;
      obj["kind"] = kind;
      for (auto& [k, v] : item.items()) obj[k] = std::move(v);
      item = std::move(obj);
    }
    items.push_back(std::move(item));
    ++info.items;
  }
  return info;
}

}  // namespace kpatrol::collect::api
