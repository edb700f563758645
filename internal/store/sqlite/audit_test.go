package sqlite

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/agentward/ward/audit"
	"github.com/agentward/ward/audit/audittest"
)

func TestAuditConformance(t *testing.T) {
	audittest.Run(t, func(t *testing.T) *audittest.Harness {
		path := filepath.Join(t.TempDir(), "state.db")
		s := openT(t, path, Options{})
		return &audittest.Harness{
			Backend: s.Audit(),
			Exec: func(ctx context.Context, q string, args ...any) error {
				_, err := s.db.ExecContext(ctx, q, args...)
				return err
			},
			Reopen: func(t *testing.T) audit.Backend { return openT(t, path, Options{}).Audit() },
		}
	})
}
