// Package pii finds personal data in text (email addresses, phone numbers, US social security numbers, payment card numbers, IBANs, UK National Insurance numbers and crypto wallet addresses), validating every candidate by its checksum, ranges and format so that near misses are not reported: see [New] and [Scanner.Scan].
package pii
