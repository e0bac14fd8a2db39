// SPDX-License-Identifier: Apache-2.0
#include <doctest/doctest.h>

#include <string>

#include "kpatrol/model/compact_json.h"
#include "kpatrol/model/json_get.h"

using namespace kpatrol;
using model::Json;
using model::JsonBuilder;
using model::JsonStore;
using model::JsonType;
using model::JsonView;

namespace {
// Everything the snapshot must keep exactly: key order, integer vs float, unsigned beyond
// int64, null, booleans, empty object vs empty array, escapes and UTF-8 strings.
constexpr const char* kDoc = R"({"z": 1, "a": -2, "m": 1.5, "e": 1e3, "f": 2.0,
  "big": 18446744073709551615, "neg": -9223372036854775808, "n": null, "t": true,
  "fl": false, "eo": {}, "ea": [], "s": "caf\u00e9 \u4e2d\u6587 \ud83d\ude00 \"q\" \\ \n\t\u0001",
  "nested": {"b": [1, "two", {"c": [[], {}]}], "a": {"y": null}}, "": "empty key"})";
}  // namespace

TEST_CASE("compact json: parsed text reads back exactly as nlohmann parses it") {
  JsonStore store;
  JsonBuilder b(store);
  auto v = b.parse(kDoc, "doc");
  REQUIRE(v.ok());
  const Json ref = Json::parse(kDoc);
  CHECK(v->toJson() == ref);
  CHECK(v->dump() == ref.dump());
  CHECK(v->dump(1) == ref.dump(1));
  CHECK(v->dump(2) == ref.dump(2));
  // key order is the source order, not sorted
  CHECK(v->keyAt(0) == "z");
  CHECK(v->keyAt(1) == "a");
  CHECK(v->find("z").type() == JsonType::kInt);
  CHECK(v->find("a").getInt() == -2);
  CHECK(v->find("m").is_number_float());
  CHECK(v->find("e").is_number_float());
  CHECK(v->find("f").is_number_float());
  CHECK(v->find("f").getDouble() == 2.0);
  CHECK(v->find("big").type() == JsonType::kUint);
  CHECK(v->find("big").getUint() == 18446744073709551615ull);
  CHECK(v->find("neg").getInt() == INT64_MIN);
  CHECK(v->find("n").is_null());
  CHECK(v->find("t").getBool());
  CHECK(v->find("fl").is_boolean());
  CHECK_FALSE(v->find("fl").getBool());
  CHECK(v->find("eo").is_object());
  CHECK(v->find("eo").empty());
  CHECK(v->find("ea").is_array());
  CHECK(v->find("ea").empty());
  CHECK(v->find("s").getString() == ref["s"].get<std::string>());
  CHECK(v->find("").getString() == "empty key");
  const JsonView nested = v->find("nested").find("b");
  CHECK(nested.size() == 3);
  CHECK(nested[1].getString() == "two");
  CHECK_FALSE(nested[3].valid());
  CHECK_FALSE(v->find("missing").valid());
  CHECK_FALSE(nested.find("b").valid());  // not an object
  CHECK(nested[0].size() == 0);           // scalars have no elements
}

TEST_CASE("compact json: a nlohmann value copies to the same view as its text parses to") {
  JsonStore store;
  JsonBuilder b(store);
  auto parsed = b.parse(kDoc, "doc");
  auto copied = b.add(Json::parse(kDoc));
  REQUIRE(parsed.ok());
  REQUIRE(copied.ok());
  CHECK(*parsed == *copied);
  CHECK(copied->dump(1) == Json::parse(kDoc).dump(1));
  CHECK_FALSE(*parsed == *b.add(Json::parse(R"({"z": 1})")));
  // interned keys: one id per distinct key in the store
  CHECK(store.keyId("nested") >= 0);
  CHECK(store.keyId("never-seen") == -1);
}

TEST_CASE("compact json: malformed text is an error naming the input; odd documents still parse") {
  JsonStore store;
  JsonBuilder b(store);
  auto bad = b.parse(R"({"items": [ {"metadata": )", "objects/pods.json");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("objects/pods.json: malformed JSON") != std::string::npos);
  CHECK_FALSE(b.parse(R"({"a": 1} trailing)", "x").ok());
  CHECK_FALSE(b.parse("{\"a\": \"\xff\"}", "x").ok());  // invalid UTF-8
  // an integer beyond 64 bits: nlohmann reads it as a float, and so do we
  auto huge = b.parse(R"([123456789012345678901234567890])", "x");
  REQUIRE(huge.ok());
  CHECK((*huge)[0].is_number_float());
  CHECK(huge->toJson() == Json::parse("[123456789012345678901234567890]"));
  // a duplicate key: the first position, the last value (nlohmann's choice)
  const char* dup = R"({"a": 1, "b": 2, "a": 3})";
  auto d = b.parse(dup, "x");
  REQUIRE(d.ok());
  CHECK(d->size() == 2);
  CHECK(d->toJson() == Json::parse(dup));
  CHECK(d->find("a").getInt() == 3);
  // scalar documents
  auto scalar = b.parse("42", "x");
  REQUIRE(scalar.ok());
  CHECK(scalar->getInt() == 42);
}

TEST_CASE("compact json: list documents drop managedFields bodies, keep who managed what") {
  constexpr const char* kList = R"({"kind": "List", "items": [
    {"metadata": {"name": "p", "managedFields": [
      {"manager": "kubectl", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}, "time": "t"}]},
     "spec": {"fieldsV1": "kept: not under metadata.managedFields"}},
    {"metadata": {"name": "q", "managedFields": "not an array"}}]})";
  JsonStore store;
  JsonBuilder b(store);
  for (int from_json = 0; from_json < 2; ++from_json) {
    CAPTURE(from_json);
    auto v = from_json ? b.add(Json::parse(kList), model::Trim::kListDocument)
                       : b.parse(kList, "x", model::Trim::kListDocument);
    REQUIRE(v.ok());
    const JsonView items = v->find("items");
    REQUIRE(items.size() == 2);
    CHECK(items[0].find("metadata").find("managedFields").toJson() ==
          Json::parse(R"([{"manager": "kubectl", "time": "t"}])"));
    CHECK(items[0].find("spec").contains("fieldsV1"));
    CHECK_FALSE(items[1].find("metadata").contains("managedFields"));
    CHECK(items[1].find("metadata").find("name").getString() == "q");
  }
  // an array document is the items themselves
  auto arr = b.parse(R"([{"metadata": {"managedFields": [{"fieldsV1": {}, "manager": "m"}]}}])",
                     "x", model::Trim::kListDocument);
  REQUIRE(arr.ok());
  CHECK((*arr)[0].find("metadata").find("managedFields").toJson() ==
        Json::parse(R"([{"manager": "m"}])"));
  // without trimming nothing is dropped
  auto plain = b.parse(kList, "x");
  REQUIRE(plain.ok());
  CHECK(plain->toJson() == Json::parse(kList));
}

TEST_CASE("compact json: many values share one store and stay valid as it grows") {
  JsonStore store;
  JsonBuilder b(store);
  std::vector<JsonView> views;
  for (int i = 0; i < 20000; ++i) {
    auto v = b.parse(R"({"i": )" + std::to_string(i) + R"(, "name": "pod-)" + std::to_string(i) +
                         R"(", "list": [1, 2, 3]})",
                     "x");
    REQUIRE(v.ok());
    views.push_back(*v);
  }
  // a string larger than a block, and an array larger than a node block
  const std::string long_string(3 << 20, 'x');
  auto big = b.add(Json{{"s", long_string}, {"a", Json(std::vector<int>(100000, 7))}});
  REQUIRE(big.ok());
  for (int i = 0; i < 20000; i += 997) {
    CHECK(views[i].find("i").getInt() == i);
    CHECK(views[i].find("name").getString() == "pod-" + std::to_string(i));
    CHECK(views[i].find("list")[2].getInt() == 3);
  }
  CHECK(big->find("s").getString() == long_string);
  CHECK(big->find("a").size() == 100000);
  CHECK(big->find("a")[99999].getInt() == 7);
  CHECK(store.bytes() > long_string.size());
}

TEST_CASE("compact json: values composed from parsed ones share them and read back as built") {
  JsonStore store;
  JsonBuilder b(store);
  // Two "pages" of items, joined into one array as the API collector does.
  auto p1 = b.parse(R"({"items": [{"name": "a", "spec": {"x": [1, 2]}}, {"name": "b"}]})", "p1",
                    model::Trim::kListDocument);
  auto p2 = b.parse(R"({"items": [{"name": "c", "v": 1.5}]})", "p2", model::Trim::kListDocument);
  REQUIRE(p1.ok());
  REQUIRE(p2.ok());
  const JsonView i1 = p1->find("items"), i2 = p2->find("items");
  auto joined = b.array({i1[0], i1[1], i2[0]});
  REQUIRE(joined.ok());
  CHECK(joined->dump() == R"([{"name":"a","spec":{"x":[1,2]}},{"name":"b"},{"name":"c","v":1.5}])");
  // Shared, not copied: the element's members are the parsed item's nodes.
  CHECK((*joined)[0].find("spec").identity() == i1[0].find("spec").identity());
  CHECK((*joined)[2].keyAt(1) == "v");

  // An object of existing values and new strings, keys in the given order.
  auto kind = b.string("Pod");
  REQUIRE(kind.ok());
  auto obj = b.object({{"kind", *kind}, {"first", (*joined)[0]}, {"n", i1[0].find("name")}});
  REQUIRE(obj.ok());
  CHECK(obj->dump() == R"({"kind":"Pod","first":{"name":"a","spec":{"x":[1,2]}},"n":"a"})");
  CHECK(obj->find("n").getString() == "a");
  CHECK(obj->toJson() == Json::parse(obj->dump()));

  // Empty containers are the store's shared empties.
  auto ea = b.array({});
  auto eo = b.object({});
  REQUIRE(ea.ok());
  REQUIRE(eo.ok());
  CHECK(ea->dump() == "[]");
  CHECK(eo->dump() == "{}");
}

TEST_CASE("json_get: members of untrusted JSON never throw") {
  const Json page = Json::parse(
      R"({"kind": ["not", "a", "string"], "apiVersion": "v1", "metadata": {"name": 7},
          "items": null, "spec": "text"})");
  // nlohmann's value() throws type_error here; stringAt gives the fallback.
  CHECK_THROWS(page.value("kind", std::string()));
  CHECK(model::stringAt(page, {"kind"}).empty());
  CHECK(model::stringAt(page, {"kind"}, "List") == "List");
  CHECK(model::stringAt(page, {"apiVersion"}) == "v1");
  CHECK(model::stringAt(page, {"metadata", "name"}).empty());    // a number
  CHECK(model::stringAt(page, {"spec", "containers"}).empty());  // through a string
  CHECK(model::stringAt(page, {"absent", "deeper"}).empty());
  CHECK(model::memberAt(page, {"items"}) != nullptr);
  CHECK(model::memberAt(page, {"items"})->is_null());
  CHECK(model::memberAt(page, {"metadata", "name"})->get<int>() == 7);
  CHECK(model::memberAt(page, {"spec", "x"}) == nullptr);
  CHECK(model::memberAt(Json::array({1}), {"a"}) == nullptr);  // not an object at the root
  CHECK(model::memberAt(page, {}) == &page);
}

TEST_CASE("JsonBuilder: a number beyond double is a parse error, not an exception") {
  JsonStore store;
  JsonBuilder builder(store);
  auto r = builder.parse(R"({"items": 8e581286})", "page", model::Trim::kNone);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message.find("page: malformed JSON") != std::string::npos);
}
