// Package audit is ward's tamper-evident decision log.
//
// Every decision is one [Record]: what was decided about which action,
// by which rule, under which policy. Records form a hash chain: each
// record's hash covers its canonical encoding and the hash of the record
// before it, so editing, inserting, deleting or reordering a record
// breaks the chain at that point. Each hash is also sealed with an HMAC
// under a key kept in $WARD_HOME, so whoever can write the log but not
// read the key cannot recompute a chain that verifies. Every so often the
// log signs a checkpoint with Ed25519: the number of records, the root of
// a Merkle tree over them (RFC 6962, as golang.org/x/mod/sumdb/tlog
// computes it) and the last record's hash, in the signed-note format of
// golang.org/x/mod/sumdb/note. A checkpoint copied elsewhere proves, to
// anyone with the public key, what the first N records were, and that a
// log shorter than N was cut.
//
// The chain logic lives here; stores keep records behind [Backend]
// (SQLite in internal/store/sqlite, PostgreSQL in internal/store/postgres)
// and take the log's write lock for each append, so that many processes
// append to one chain without forking it.
package audit
