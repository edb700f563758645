// Package policy loads ward's policy language, merges its layers and
// decides on events.
//
// [Parse] reads one YAML file into a [File], reporting every problem with
// its line and column. [Compile] stacks the built-in protections, the
// managed, user and project layers and the presets they extend into one
// effective [Policy], through named stages (parse, merge, tools, matchers,
// conditions, order). [Policy.Eval] decides: deny beats ask beats allow,
// and the first rule in that order whose matchers and condition hold
// names the decision. [Policy.Explain] decides the same way and says why
// each rule did or did not match.
package policy
