/* SPDX-License-Identifier: Apache-2.0
 *
 * Example native collector plugin: a kernel module inventory per node. It declares one fixed
 * command (the node's /proc/modules, read under the probe's root), and in collect() turns each
 * node's output into facts.native.inventory = {kernel_modules: {count, loaded: [...]}}. The
 * example pack next to it (pack/) has a rule over those facts.
 *
 * Build-time switches for the refusal tests (test/plugins): KPATROL_EXAMPLE_ABI_MAJOR and
 * KPATROL_EXAMPLE_ABI_MINOR override the ABI version it claims; KPATROL_EXAMPLE_EXTRA_CAPS adds
 * capabilities it requires; KPATROL_EXAMPLE_NO_ENTRY leaves the entry symbol out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kpatrol_plugin.h"

#ifndef KPATROL_EXAMPLE_ABI_MAJOR
#define KPATROL_EXAMPLE_ABI_MAJOR KPATROL_PLUGIN_ABI_MAJOR
#endif
#ifndef KPATROL_EXAMPLE_ABI_MINOR
#define KPATROL_EXAMPLE_ABI_MINOR KPATROL_PLUGIN_ABI_MINOR
#endif
#ifndef KPATROL_EXAMPLE_EXTRA_CAPS
#define KPATROL_EXAMPLE_EXTRA_CAPS 0u
#endif

#define MAX_MODULES 4096

struct inventory_state {
  char error[256];
  /* The output of the current node, parsed in the callback. */
  char* names[MAX_MODULES];
  size_t count;
  int exit_status;
};

static void clear_names(struct inventory_state* st) {
  for (size_t i = 0; i < st->count; ++i) free(st->names[i]);
  st->count = 0;
}

/* /proc/modules: "name size refcount deps state address" per line. Copies each name (the host
 * owns `output` only for the duration of this call). */
static int on_output(void* user, const char* node, int exit_status, const char* output,
                     size_t len) {
  struct inventory_state* st = user;
  (void)node;
  clear_names(st);
  st->exit_status = exit_status;
  size_t pos = 0;
  while (pos < len && st->count < MAX_MODULES) {
    size_t end = pos;
    while (end < len && output[end] != ' ' && output[end] != '\n') ++end;
    if (end > pos) {
      char* name = malloc(end - pos + 1);
      if (name == NULL) return KPATROL_ERROR;
      /* Module names are [A-Za-z0-9_-]; anything else is replaced, so the JSON stays valid. */
      for (size_t i = 0; i < end - pos; ++i) {
        char c = output[pos + i];
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
        name[i] = ok ? c : '?';
      }
      name[end - pos] = '\0';
      st->names[st->count++] = name;
    }
    while (end < len && output[end] != '\n') ++end;
    pos = end + 1;
  }
  return KPATROL_OK;
}

static int inv_create(kpatrol_plugin* self, const kpatrol_host* host) {
  struct inventory_state* st = calloc(1, sizeof *st);
  if (st == NULL) return KPATROL_ERROR;
  self->state = st;
  host->log(host->host_state, KPATROL_LOG_DEBUG, "inventory: created");
  return KPATROL_OK;
}

static int inv_collect(kpatrol_plugin* self, const kpatrol_host* host) {
  struct inventory_state* st = self->state;
  size_t n = host->node_count(host->host_state);
  for (size_t i = 0; i < n; ++i) {
    const char* node = host->node_name(host->host_state, i);
    st->exit_status = -1;
    if (host->run_on_node(host->host_state, node, "modules", on_output, st) != KPATROL_OK) {
      snprintf(st->error, sizeof st->error, "no 'modules' output for node %s", node);
      return KPATROL_ERROR;
    }
    if (st->exit_status != 0) { /* not readable: no facts for this node; the host says why */
      clear_names(st);
      continue;
    }
    size_t cap = 64 + st->count * 4;
    for (size_t k = 0; k < st->count; ++k) cap += strlen(st->names[k]);
    char* json = malloc(cap);
    if (json == NULL) return KPATROL_ERROR;
    size_t used = (size_t)snprintf(json, cap, "{\"kernel_modules\":{\"count\":%zu,\"loaded\":[",
                                   st->count);
    for (size_t k = 0; k < st->count; ++k) {
      used += (size_t)snprintf(json + used, cap - used, "%s\"%s\"", k ? "," : "", st->names[k]);
    }
    used += (size_t)snprintf(json + used, cap - used, "]}}");
    int rc = host->emit_facts(host->host_state, node, json, used);
    free(json);
    clear_names(st);
    if (rc != KPATROL_OK) {
      snprintf(st->error, sizeof st->error, "the host refused the facts of node %s", node);
      return KPATROL_ERROR;
    }
  }
  return KPATROL_OK;
}

static void inv_destroy(kpatrol_plugin* self) {
  struct inventory_state* st = self->state;
  if (st != NULL) {
    clear_names(st);
    free(st);
  }
  self->state = NULL;
}

static const char* inv_last_error(const kpatrol_plugin* self) {
  const struct inventory_state* st = self->state;
  return st != NULL && st->error[0] != '\0' ? st->error : NULL;
}

static const kpatrol_command commands[] = {
    {"modules", "cat \"$KPATROL_ROOT/proc/modules\"", 10, 1u << 20},
};

static kpatrol_plugin plugin = {
    KPATROL_EXAMPLE_ABI_MAJOR,
    KPATROL_EXAMPLE_ABI_MINOR,
    "inventory",
    "1.0.0",
    KPATROL_CAP_NODE_COMMANDS | KPATROL_CAP_NODE_FACTS | KPATROL_EXAMPLE_EXTRA_CAPS,
    commands,
    sizeof commands / sizeof commands[0],
    NULL,
    inv_create,
    inv_collect,
    inv_destroy,
    inv_last_error,
};

#ifndef KPATROL_EXAMPLE_NO_ENTRY
__attribute__((visibility("default"))) kpatrol_plugin* kpatrol_plugin_entry(void) {
  return &plugin;
}
#else
/* Keeps the descriptor referenced so the build has no unused-variable warning. */
__attribute__((visibility("default"))) kpatrol_plugin* kpatrol_plugin_entry_misspelt(void) {
  return &plugin;
}
#endif
