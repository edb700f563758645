// Package inject finds prompt-injection markers in text an agent is about
// to read: tool outputs, fetched web pages, issue bodies, file contents.
//
// A [Scanner] looks, without any model, for instructions addressed to the
// model (overriding its instructions, role play and jailbreaks, prompt
// leaks, exfiltration, commands and tool misuse, dictated answers,
// concealment from the user, text addressed to "the AI"), for fake
// chat-template tokens, role labels and delimiters, for hidden Unicode
// (tag characters, variation selectors and zero-width runs that spell
// text, zero-width characters inside words, bidi overrides, look-alike
// letters), for instructions behind an encoding (base64, hex,
// percent-encoding, rot13, reversed, leetspeak or spaced-out text, JSON
// and HTML escapes) and for instructions hidden in HTML comments,
// invisible elements, markdown comments and markdown images whose URL
// carries data out. Phrases are matched in English and in common Spanish,
// French, German, Italian, Portuguese, Russian, Chinese, Japanese and
// Korean forms.
//
// Text is normalized before matching: case-folded, accents folded, JSON,
// C and HTML escapes decoded, invisible characters dropped and look-alike
// letters (Cyrillic and Greek next to Latin ones, fullwidth, mathematical,
// enclosed, small capitals) mapped to ASCII; every match is mapped back to
// byte offsets of the original text.
//
// Every [Match] has a confidence in [0,1]. One weak signal stays low; a
// signal corroborated by a different one nearby (an instruction next to a
// role token, an order after "Note to AI agents:", anything inside hidden
// markup or behind an encoding) is high. Text that discusses injection
// (security articles, detector tests, documentation quoting payloads) and
// negated, reported or conditional phrasing ("never reveal your system
// prompt", "the bot will forget the conversation", "if you use Docker,
// ignore the above instructions") is marked down.
//
// Callers should treat a text as flagged when any match reaches
// [Threshold] (0.5). Matches below [MinConfidence] (0.3) are not reported;
// those between are context for a reviewer, not alarms.
//
// A hook scans in a new process each time, so nothing is built at run
// time, not even on first use: go generate compiles every pattern, with
// regexp/syntax, into a program that a small NFA runs with package
// regexp's semantics, derives the prefilters and builds the word index,
// all stored as static data (tables_gen.go). A scan does bounded work,
// linear in the size of its input: rules run only at their key words,
// behind prefilters derived from their patterns, and the number of
// attempts, decoded blobs and nested scans is capped.
package inject
