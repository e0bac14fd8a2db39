// SPDX-License-Identifier: Apache-2.0
// Splits one manifest file into documents: multi-document YAML (`---`, comments, empty
// documents) or a JSON document. Pure: text in, JSON documents with their first line out.
#pragma once

#include <string>
#include <vector>

#include "kpatrol/core/result.h"
#include "kpatrol/model/snapshot.h"

namespace kpatrol::collect::manifests {

struct Document {
  model::Json value;  // null for an empty document
  int line = 1;       // 1-based line where the document starts
};

/// Parses `text` from `origin` (a file name, for messages). JSON when the file name ends in
/// .json or the text starts with '{' or '['; YAML otherwise. Errors name origin:line.
Result<std::vector<Document>> parseDocuments(const std::string& text, const std::string& origin);

}  // namespace kpatrol::collect::manifests
