// SPDX-License-Identifier: Apache-2.0
#include "list_page.h"

#include "kpatrol/model/json_get.h"
namespace kpatrol::collect::api {
namespace {

using model::JsonView;
using Members = std::vector<std::pair<std::string_view, JsonView>>;

Members membersOf(JsonView obj) {
  Members out;
  out.reserve(obj.size());
  for (std::size_t i = 0; i < obj.size(); ++i) out.emplace_back(obj.keyAt(i), obj[i]);
  return out;
}

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

// The kinds whose items are reduced (Warning events only, CRDs without their schemas) are
// parsed with nlohmann, reduced, then added to the store: what is dropped never reaches the
// store's arena. Both are small next to pods (events are listed with a Warning selector).
Result<PageInfo> parseReducedPage(std::string_view body, const std::string& url,
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
                                       model::stringAt(page, {"kind"}) + "\")");
  }
  std::string kind = model::stringAt(page, {"kind"});
  if (kind.ends_with("List")) kind.resize(kind.size() - 4);
  const std::string api_version = model::stringAt(page, {"apiVersion"});
  PageInfo info;
  if (auto m = page.find("metadata"); m != page.end() && m->is_object()) {
    if (auto c = m->find("continue"); c != m->end() && c->is_string()) {
      info.continue_token = c->get<std::string>();
    }
  }
  if (list_items->is_null()) return info;
  for (auto& item : *list_items) {
    if (!item.is_object()) continue;
    if (plural == "events") {
      auto type = item.find("type");
      if (type == item.end() || !type->is_string() || *type != "Warning") continue;
    }
    if (plural == "customresourcedefinitions") trimCrd(item);
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

// kubectl -o json puts apiVersion and kind first; the API leaves them out of list items. A
// member the item already has keeps its value at the front (as nlohmann's obj[k] = v did).
Result<JsonView> withKind(model::JsonBuilder& b, JsonView item, JsonView api_version,
                          JsonView kind) {
  Members out = {{"apiVersion", api_version}, {"kind", kind}};
  for (auto& [key, value] : membersOf(item)) {
    if (key == "apiVersion") {
      out[0].second = value;
    } else if (key == "kind") {
      out[1].second = value;
    } else {
      out.emplace_back(key, value);
    }
  }
  return b.object(out);
}

}  // namespace

std::string bodyExcerpt(std::string_view body) {
  std::string out;
  for (char ch : body.substr(0, 80)) out.push_back(ch >= 0x20 && ch < 0x7f ? ch : ' ');
  if (body.size() > 80) out += "...";
  return out;
}

Result<PageInfo> parseListPage(std::string_view body, const std::string& url,
                               const std::string& plural, model::JsonBuilder& builder,
                               std::vector<model::JsonView>& items) {
  if (plural == "events" || plural == "customresourcedefinitions") {
    model::Json kept = model::Json::array();
    auto info = parseReducedPage(body, url, plural, kept);
    if (!info) return info;
    auto added = builder.add(kept, model::Trim::kListDocument);
    if (!added) return std::move(added).error();
    for (std::size_t i = 0; i < added->size(); ++i) items.push_back((*added)[i]);
    return info;
  }
  // managedFields keep manager, operation, apiVersion and time; their fieldsV1 trees (most of
  // an object's size, and read by no rule) are dropped while parsing (Trim::kListDocument).
  auto parsed = builder.parse(body, url, model::Trim::kListDocument);
  if (!parsed) {
    if (parsed.error().code != Errc::kParse) return std::move(parsed).error();
    return makeError(Errc::kParse, "the response from " + url + " is not JSON (it starts: \"" +
                                       bodyExcerpt(body) + "\")");
  }
  const JsonView page = *parsed;
  if (!page.is_object()) {
    return makeError(Errc::kParse, "the response from " + url + " is not a list object");
  }
  const JsonView list_items = page.find("items");
  if (!list_items || !(list_items.is_array() || list_items.is_null())) {
    return makeError(Errc::kParse, "the response from " + url + " has no \"items\" list (kind \"" +
                                       std::string(page.find("kind").stringOr()) + "\")");
  }
  PageInfo info;
  if (const JsonView m = page.find("metadata"); m && m.is_object()) {
    if (const JsonView c = m.find("continue"); c && c.is_string()) {
      info.continue_token = std::string(c.getString());
    }
  }
  if (list_items.is_null()) return info;
  std::string kind(page.find("kind").stringOr());
  if (kind.ends_with("List")) kind.resize(kind.size() - 4);
  const std::string_view api_version = page.find("apiVersion").stringOr();
  JsonView kind_value, api_version_value;  // made once per page, when an item needs them
  for (std::size_t i = 0; i < list_items.size(); ++i) {
    JsonView item = list_items[i];
    if (!item.is_object()) continue;
    if (!item.contains("kind")) {
      if (!kind_value) {
        auto k = builder.string(kind);
        if (!k) return std::move(k).error();
        auto av = builder.string(api_version);
        if (!av) return std::move(av).error();
        kind_value = *k;
        api_version_value = *av;
      }
      auto with = withKind(builder, item, api_version_value, kind_value);
      if (!with) return std::move(with).error();
      item = *with;
    }
    items.push_back(item);
    ++info.items;
  }
  return info;
}

Result<PageInfo> parseListPage(std::string_view body, const std::string& url,
                               const std::string& plural, model::Json& items) {
  model::JsonStore store;
  model::JsonBuilder builder(store);
  std::vector<model::JsonView> views;
  auto info = parseListPage(body, url, plural, builder, views);
  if (!info) return info;
  for (const auto& v : views) items.push_back(v.toJson());
  return info;
}

}  // namespace kpatrol::collect::api
