// Package install wires ward's hook into the configuration of AI agents
// (Claude Code, Codex, Gemini CLI, Cursor, GitHub Copilot), takes it out
// again, and checks that the wiring works ([Install], [Uninstall],
// [Doctor]).
//
// Files are merged, never overwritten: ward decodes only the levels of a
// file it changes, keeps every other key, handler and key order, backs the
// file up to <file>.ward-backup before it first changes it, writes it
// atomically, and refuses files that are not plain JSON. ward's own
// handlers are the ones whose command runs a program named ward with
// `hook` as its first argument.
package install
