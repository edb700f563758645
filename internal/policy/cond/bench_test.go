package cond

import (
	"reflect"
	"testing"
)

type sv struct {
	ID     string   `json:"id"`
	Labels []string `json:"labels"`
}

type act struct{ s *sv }

func (a act) Var(name string) (any, error) { return a.s, nil }

func BenchmarkEval(b *testing.B) {
	objs := NewObjects()
	st, _ := objs.Of(reflect.TypeFor[sv]())
	env := NewEnv(Options{}, Var{Name: "session", Type: st})
	for _, src := range []string{`true`, `1 == 1`, `session.id == 'x'`, `'private' in session.labels`, `session.labels.exists(l, l == 'private')`} {
		prg, is := env.Compile(src)
		if is != nil {
			b.Fatal(is)
		}
		a := act{&sv{ID: "x", Labels: []string{"untrusted", "private"}}}
		b.Run(src, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				prg.EvalBool(a)
			}
		})
	}
}
