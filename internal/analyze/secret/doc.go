// Package secret finds credentials in arbitrary text: tool outputs, file
// contents, HTTP bodies and command arguments.
//
// A [Scanner] looks for three kinds of secret:
//
//   - tokens whose format a provider fixed (AWS key ids, GitHub and GitLab
//     tokens, Slack, Stripe, OpenAI and Anthropic keys, npm and PyPI
//     tokens, ...), each matched by its own anchored regular expression;
//   - structured secrets checked by decoding them: PEM and OpenSSH private
//     key blocks, JWTs (whose header and payload must decode to JSON),
//     passwords in connection strings and URLs, HTTP Authorization
//     credentials;
//   - values assigned to a name that says "secret" (password=, api_key:,
//     "token" =>, <secretKey>...</secretKey>, --token ...), kept only when
//     the value looks random and is not a placeholder.
//
// Every detector sits behind a keyword prefilter: one pass over the text
// finds the keywords, and a detector runs only in a small window at each
// keyword, so text without candidates costs a single scan, and no input
// costs more than a small multiple of its length. A rule's regular
// expression is compiled when its keyword first occurs, never at package
// initialisation.
//
// The detector prefers precision: documented example values (AWS's
// AKIAIOSFODNN7EXAMPLE), template references (${VAR}, <token>, {{ x }}),
// filler (xxxx, ****, all-same characters, 123456 or abcdef runs) and
// words people put in examples (changeme, dummy, your_api_key_here) are
// never reported.
//
// [Redact] replaces what a scan found with "[REDACTED:<id>]"; a [Match]'s
// Preview is safe to log.
package secret
