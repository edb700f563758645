// Package sqlite keeps ward's session state ([session.Store]) in one SQLite
// database file, safe to share between many goroutines and processes.
//
// The database runs in WAL mode: readers ([Store.View]) never wait for the
// writer, and writers ([Store.Update]) take the write lock when their
// transaction begins, so what they read stays true until they commit. The
// schema is versioned with PRAGMA user_version and upgraded by [Open].
//
// A process that makes one decision and exits, as a hook does, ends the
// Store with [Store.Abandon] rather than [Store.Close]: the WAL outlives
// the process, so that most processes pay no fsync, and every dozen
// decisions or so one checkpoints it into the database file.
//
// Everything the store keeps is bounded: strings are cut to a maximum length
// rather than refused, lists returned have limits, and each session keeps at
// most [MaxFingerprints] fingerprints, [MaxLabelEvents] events per label and
// about [KeepDecisions] decisions.
package sqlite
