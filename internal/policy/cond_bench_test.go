package policy

import (
	"fmt"
	"testing"

	"github.com/agentward/ward/internal/policy/presets"
)

// presetConditions are the conditions of the built-in protections and
// presets, the conditions every ward process may run.
func presetConditions(b *testing.B) []string {
	var out []string
	for _, name := range append([]string{presets.Builtin}, presets.Names()...) {
		data, _ := presets.Get(name)
		f, errs := Parse(Source{Layer: LayerBuiltin, Name: name, Data: data})
		if errs != nil {
			b.Fatal(errs)
		}
		for _, r := range f.Rules {
			if r.When != "" {
				out = append(out, r.When)
			}
		}
	}
	return out
}

// BenchmarkConditionCompile compiles each preset condition with package
// cond and, for comparison, with cel-go (parse, check and plan).
func BenchmarkConditionCompile(b *testing.B) {
	conds := presetConditions(b)
	b.Run("cond", func(b *testing.B) {
		env, _ := newCondEnv()
		b.ReportAllocs()
		for b.Loop() {
			for _, src := range conds {
				if _, is := compileCondition(env, src); is != nil {
					b.Fatal(is)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(conds)), "ns/condition")
	})
	b.Run("cel-go", func(b *testing.B) {
		env, _ := newCELEnv()
		b.ReportAllocs()
		for b.Loop() {
			for _, src := range conds {
				if _, err := celProgram(env, src); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(conds)), "ns/condition")
	})
}

// BenchmarkConditionCompileTypical compiles conditions of the kind
// policies write.
func BenchmarkConditionCompileTypical(b *testing.B) {
	conds := []string{
		`action.command.startsWith("curl")`,
		`input.repo == "prod" && session.labels.exists(l, l == "untrusted")`,
		`facts.paths.exists(p, p.op == "delete" && "temp" in p.classes)`,
		`action.command.contains("--force") && !action.command.contains("--force-with-lease")`,
	}
	for i, src := range conds {
		b.Run(fmt.Sprintf("%d/cond", i), func(b *testing.B) {
			env, _ := newCondEnv()
			b.ReportAllocs()
			for b.Loop() {
				if _, is := compileCondition(env, src); is != nil {
					b.Fatal(is)
				}
			}
		})
		b.Run(fmt.Sprintf("%d/cel-go", i), func(b *testing.B) {
			env, _ := newCELEnv()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := celProgram(env, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConditionEnv is the cost of the environment, paid once per
// process that reaches a condition.
func BenchmarkConditionEnv(b *testing.B) {
	b.Run("cond", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := newCondEnv(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cel-go", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := newCELEnv(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkConditionEval runs each preset condition on a shell event
// with facts and findings, with a fresh activation each time, as Eval
// does.
func BenchmarkConditionEval(b *testing.B) {
	conds := presetConditions(b)
	in := diffInputs()[0]
	env, _ := newCondEnv()
	cenv, _ := newCELEnv()
	for i, src := range conds {
		c, is := compileCondition(env, src)
		if is != nil {
			b.Fatal(is)
		}
		prg, err := celProgram(cenv, src)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%d/cond", i), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.eval(&activation{in: in}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%d/cel-go", i), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := prg.Eval(celActivation{&activation{in: in}}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
