// Package event holds ward's public vocabulary: the canonical [Event] an
// adapter makes of an agent's action, the [Facts] and [Finding]s analyzers
// add to it, and the [Decision] the policy returns.
//
// The package is a leaf that imports only the standard library, so every
// other package (and every Go program using ward through package gate) can
// share these types without import cycles.
package event
