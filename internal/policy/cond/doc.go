// Package cond compiles and runs policy conditions: the subset of CEL
// (https://cel.dev) that ward's rules use, type-checked against Go
// structs and evaluated under a step budget.
//
// The language is CEL's: literals (int, uint, double, string, bytes,
// bool, null, lists, maps), the operators ! - * / % + < <= > >= == != in
// && || ?:, field selection and indexing, has(), the macros all, exists,
// exists_one, map and filter, CEL's standard functions other than those
// on timestamps and durations (size, type conversions, contains,
// startsWith, endsWith, matches with RE2) and the string functions of
// cel-go's strings extension other than format. Creating objects,
// timestamps, durations and protobuf types are left out.
//
// cel-go does the same job; ward does not link it because its package
// initialisation (protobuf descriptors, about 1.5 to 2.5 ms) is paid by
// every hook process, and the hook budget is 5 ms. The tests of package
// policy hold this package to cel-go: every condition in a table, in the
// presets and docs, and thousands of generated ones compile in both or
// neither and give the same value or both fail (FuzzCondition continues
// the search).
//
// Conditions are bounded: by length and nesting when they compile, and
// by a cost limit when they run, so that no condition can stall a
// decision. An Env is safe for concurrent use, and so is a Program.
package cond
