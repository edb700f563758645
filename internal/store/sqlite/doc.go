// Package sqlite keeps ward's session state ([session.Store]) in one SQLite
// database file, safe to share between many goroutines and processes.
//
// The database runs in WAL mode: readers ([Store.View]) never wait for the
// writer, and writers ([Store.Update]) take the write lock when their
// transaction begins, so what they read stays true until they commit. The
// schema is versioned with PRAGMA user_version and upgraded by [Open].
//
// Everything the store keeps is bounded: strings are cut to a maximum length
// rather than refused, lists returned have limits, and each session keeps at
// most [MaxFingerprints] fingerprints, [MaxLabelEvents] events per label and
// about [KeepDecisions] decisions.
package sqlite
