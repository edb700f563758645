// Package postgres keeps ward's audit log ([audit.Backend]) in a
// PostgreSQL database, shared by every process and node that opens it.
//
// The log's tables live in one PostgreSQL schema ([Options.Schema]),
// created and upgraded by [Open] under an advisory lock and versioned in
// the table ward_schema. [Store.Audit] returns the log: its Update locks
// the single row of audit_state for the whole transaction, so appenders
// on many nodes take turns and form one chain, and its View reads one
// REPEATABLE READ snapshot. The chain itself (sealing, checkpoints,
// verifying) is package audit's; this package only stores and reads.
//
// Record text is kept in TEXT columns, never json or jsonb, so that the
// bytes a record's hash covers come back as they went in.
package postgres
