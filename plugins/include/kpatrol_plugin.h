/* SPDX-License-Identifier: Apache-2.0
 *
 * kpatrol native collector plugins: the C ABI (plugins/README.md "Native collectors").
 *
 * A plugin is a shared object that exports ONE symbol, kpatrol_plugin_entry, returning a
 * pointer to a static kpatrol_plugin. kpatrol loads a plugin only when the operator names it
 * (`--native-plugin PATH`), and refuses it, with the reason, when the symbol is missing, its
 * ABI major differs from the host's, its ABI minor is newer than the host's, or it needs a
 * capability the host does not offer.
 *
 * A plugin never holds credentials and never opens a connection: it declares fixed commands
 * (`commands`), which kpatrol runs on every node through its own transport (in the node's one
 * probe session over SSH, or the host-root run) with a time limit and an output cap; then
 * kpatrol calls `collect`, where the plugin reads each node's command output through
 * host->run_on_node and emits facts as JSON text through host->emit_facts. The facts land at
 * facts.native.<plugin name> of the node, where rules read them (s.facts.native.<name>).
 *
 * Ownership:
 *  - Everything the plugin hands to the host (the kpatrol_plugin struct, name, commands,
 *    last_error's string) is owned by the plugin and must stay valid until destroy() returns
 *    (last_error's string: until the next call into the plugin). The host copies what it keeps.
 *  - Everything the host hands to the plugin (the host table, node names, command output passed
 *    to the callback, the JSON text after emit_facts returns) is owned by the host: the
 *    plugin copies what it wants to keep; node names stay valid during collect(), the output
 *    only during the callback.
 *  - Neither side frees the other's memory.
 *
 * Threading: the host calls create, collect and destroy from one thread, in that order
 * (collect at most once per create); host functions may be called only during create and
 * collect, from the calling thread.
 */
#ifndef KPATROL_PLUGIN_H
#define KPATROL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define KPATROL_PLUGIN_ABI_MAJOR 1u
#define KPATROL_PLUGIN_ABI_MINOR 0u
#define KPATROL_PLUGIN_ENTRY_SYMBOL "kpatrol_plugin_entry"

/* Capabilities: what a plugin needs from the host (kpatrol_plugin.required_capabilities). */
#define KPATROL_CAP_NODE_COMMANDS 0x1u /* run the plugin's declared commands on each node */
#define KPATROL_CAP_NODE_FACTS 0x2u    /* emit facts for a node */
/* The capabilities this version of the ABI defines; a host offers all of them. */
#define KPATROL_CAP_ALL_V1 (KPATROL_CAP_NODE_COMMANDS | KPATROL_CAP_NODE_FACTS)

/* Return codes of the callbacks and host functions. */
#define KPATROL_OK 0
#define KPATROL_ERROR 1 /* the plugin: see last_error(); the host: see the log */

enum kpatrol_log_level { KPATROL_LOG_DEBUG = 0, KPATROL_LOG_INFO = 1, KPATROL_LOG_WARN = 2 };

/* A fixed command the host runs on every node (like a pack probe, plugins/README.md). The
 * string is sent as is (one line of POSIX sh); it must not depend on node data. */
typedef struct kpatrol_command {
  const char* name;          /* [a-z0-9_]+, unique in the plugin */
  const char* command;       /* one line, at most 4096 bytes */
  uint32_t timeout_seconds;  /* 1..600 */
  uint32_t max_output_bytes; /* 1..16 MiB */
} kpatrol_command;

/* Receives one node's output of a command. Return KPATROL_OK. */
typedef int (*kpatrol_output_fn)(void* user, const char* node, int exit_status, const char* output,
                                 size_t output_len);

/* The host's side, passed to create and collect. */
typedef struct kpatrol_host {
  uint32_t abi_major; /* the host's KPATROL_PLUGIN_ABI_MAJOR */
  uint32_t abi_minor;
  uint64_t capabilities; /* what the host offers */
  void* host_state;      /* opaque: pass it back as the first argument */

  /* Nodes collected (only those whose probe ran). */
  size_t (*node_count)(void* host_state);
  const char* (*node_name)(void* host_state, size_t index);

  /* The output of one of this plugin's declared commands on `node`: calls `cb` once, during
   * this call, with the exit status (-1 when the command did not finish) and the output.
   * KPATROL_ERROR (cb not called) when the node or the command name is unknown. */
  int (*run_on_node)(void* host_state, const char* node, const char* command_name,
                     kpatrol_output_fn cb, void* user);

  /* Facts for `node`: a JSON object as text (UTF-8, at most 1 MiB). They replace any earlier
   * emit for the node. KPATROL_ERROR when the node is unknown or the text is not an object. */
  int (*emit_facts)(void* host_state, const char* node, const char* json, size_t json_len);

  /* A log line (never put secrets in it). */
  void (*log)(void* host_state, int level, const char* message);
} kpatrol_host;

typedef struct kpatrol_plugin {
  uint32_t abi_major; /* KPATROL_PLUGIN_ABI_MAJOR the plugin was built with */
  uint32_t abi_minor; /* KPATROL_PLUGIN_ABI_MINOR the plugin was built with */
  const char* name;   /* [a-z0-9_]+: facts.native.<name> */
  const char* version;
  uint64_t required_capabilities; /* KPATROL_CAP_* the plugin needs */
  const kpatrol_command* commands;
  size_t command_count;
  void* state; /* the plugin's own, set by create */

  /* Called once after loading. KPATROL_ERROR refuses the plugin (last_error says why). */
  int (*create)(struct kpatrol_plugin* self, const kpatrol_host* host);
  /* Called once after the nodes were probed. */
  int (*collect)(struct kpatrol_plugin* self, const kpatrol_host* host);
  /* Called once before unloading, also after a failed create or collect. */
  void (*destroy)(struct kpatrol_plugin* self);
  /* The last error's message, or NULL. Owned by the plugin. */
  const char* (*last_error)(const struct kpatrol_plugin* self);
} kpatrol_plugin;

/* The one exported symbol. Returns the plugin's static descriptor (never freed by the host). */
typedef kpatrol_plugin* (*kpatrol_plugin_entry_fn)(void);
kpatrol_plugin* kpatrol_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* KPATROL_PLUGIN_H */
