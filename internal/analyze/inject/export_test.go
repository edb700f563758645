package inject

// ScanUnfiltered scans like Scan but runs every rule at every key, without
// prefilters, so tests can check that prefilters lose nothing.
func ScanUnfiltered(text string) []Match {
	st := newState(compiled())
	st.noFilter = true
	return report(text, score(st.scan(text, 0, scanAll)))
}
