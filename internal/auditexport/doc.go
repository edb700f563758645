// Package auditexport writes audit records out as JSON Lines, CSV or a
// self-contained HTML report, one [audit.Record] at a time ([New]).
//
// JSONL and CSV are streamed: each record is written as it is added. The
// HTML report is written at [Exporter.Close] from aggregates kept while
// records are added (counts, the most frequent rules and findings, time
// buckets and the last [MaxDenials] denials and asks), so exporting a log
// of any length takes bounded memory.
package auditexport
