// Package sink streams audit records to syslog ([NewSyslog]), a webhook
// ([NewWebhook]) and a JSON Lines file ([NewJSONL]) through a [Shipper],
// whose bounded per-sink queues never make a decision wait on a sink.
package sink
