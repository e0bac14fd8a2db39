// SPDX-License-Identifier: Apache-2.0
// Splitting the probe script's output into sections and items. Markers count only when they
// carry the nonce announced by the header, which the node's users cannot know.
#include "kpatrol/collect/probe_parsers.h"
#include "text.h"

namespace kpatrol::collect::probe {

namespace text {

std::string sanitize(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      out += (c == 0) ? ' ' : static_cast<char>(c);
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    }
    bool ok = len != 0 && i + len <= n;
    for (std::size_t k = 1; ok && k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) {
        ok = false;
      } else {
        cp = (cp << 6) | (p[i + k] & 0x3F);
      }
    }
    if (ok) {
      ok = !((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
             cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF));
    }
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

}  // namespace text

namespace {

constexpr std::string_view kHeader = "KPATROL-PROBE 1 ";

bool validNonce(std::string_view n) {
  if (n.size() < 19 || n.size() > 128 || !text::startsWith(n, "KP-")) return false;
  for (char c : n) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool atLineStart(std::string_view s, std::size_t pos) { return pos == 0 || s[pos - 1] == '\n'; }

// First occurrence of `needle` at a line start, from `from`.
std::size_t findAtLineStart(std::string_view s, std::string_view needle, std::size_t from) {
  while (true) {
    auto pos = s.find(needle, from);
    if (pos == std::string_view::npos || atLineStart(s, pos)) return pos;
    from = pos + 1;
  }
}

}  // namespace

Result<Framed> splitSections(std::string_view output) {
  auto hpos = findAtLineStart(output, kHeader, 0);
  if (hpos == std::string_view::npos) {
    return makeError(Errc::kParse, "no probe header in the output (the script did not run)");
  }
  auto hend = output.find('\n', hpos);
  if (hend == std::string_view::npos) return makeError(Errc::kParse, "probe header cut off");
  auto header = text::fields(output.substr(hpos, hend - hpos));
  if (header.size() < 4 || !validNonce(header[2]) || !text::startsWith(header[3], "max=")) {
    return makeError(Errc::kParse, "malformed probe header");
  }
  Framed framed;
  framed.nonce = std::string(header[2]);
  auto max = text::toUint(header[3].substr(4));
  if (!max || *max == 0) return makeError(Errc::kParse, "malformed probe header (max)");
  framed.max_bytes = static_cast<std::size_t>(*max);

  const std::string begin_tag = framed.nonce + " begin ";
  const std::string done_tag = framed.nonce + " done";
  std::size_t cur = hend + 1;
  while (cur < output.size()) {
    auto bpos = findAtLineStart(output, begin_tag, cur);
    if (bpos == std::string_view::npos) break;
    auto nl = output.find('\n', bpos);
    if (nl == std::string_view::npos) break;
    std::string name(
        text::trim(output.substr(bpos + begin_tag.size(), nl - bpos - begin_tag.size())));
    std::size_t body_start = nl + 1;
    const std::string end_tag = "\n" + framed.nonce + " end " + name + " rc=";
    Section sec;
    sec.name = name;
    // The script prints a newline before the end marker, so an empty body ends right here.
    auto epos = output.find(end_tag, body_start);
    if (epos == std::string_view::npos) {
      // Cut off (connection dropped, killed): the rest up to the next section.
      auto next = findAtLineStart(output, begin_tag, body_start);
      auto stop = next == std::string_view::npos ? output.size() : next;
      sec.body = std::string(output.substr(body_start, stop - body_start));
      sec.truncated = true;
      cur = stop;
    } else {
      sec.body = std::string(output.substr(body_start, epos - body_start));
      auto rc_start = epos + end_tag.size();
      auto rc_end = output.find('\n', rc_start);
      auto rc_text = output.substr(
          rc_start, rc_end == std::string_view::npos ? std::string_view::npos : rc_end - rc_start);
      if (auto rc = text::toInt(rc_text)) sec.rc = static_cast<int>(*rc);
      cur = rc_end == std::string_view::npos ? output.size() : rc_end + 1;
    }
    if (sec.body.size() > framed.max_bytes) {
      sec.body.resize(framed.max_bytes);
      sec.truncated = true;
    }
    framed.sections.emplace(sec.name, std::move(sec));
  }
  framed.complete = findAtLineStart(output, done_tag, hend + 1) != std::string_view::npos;
  return framed;
}

std::vector<Item> splitItems(std::string_view body, std::string_view nonce) {
  std::vector<Item> items;
  const std::string tag = "\n" + std::string(nonce) + " item ";
  auto pos = body.find(tag);
  while (pos != std::string_view::npos) {
    auto label_start = pos + tag.size();
    auto nl = body.find('\n', label_start);
    Item item;
    if (nl == std::string_view::npos) {
      item.label = std::string(body.substr(label_start));
      items.push_back(std::move(item));
      break;
    }
    item.label = std::string(body.substr(label_start, nl - label_start));
    auto next = body.find(tag, nl);
    item.body = std::string(body.substr(
        nl + 1, next == std::string_view::npos ? std::string_view::npos : next - nl - 1));
    items.push_back(std::move(item));
    pos = next;
  }
  return items;
}

}  // namespace kpatrol::collect::probe
