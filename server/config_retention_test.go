package server

import (
	"strings"
	"testing"
	"time"
)

// The retention settings take days or durations, default to 90 and 30
// days, and refuse what makes no sense, naming the setting.
func TestConfigRetention(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Sync.ConflictRetention, 90*24*time.Hour; got != want {
		t.Errorf("conflict retention %v, want %v", got, want)
	}
	if got, want := c.Sync.RejectionRetention, 30*24*time.Hour; got != want {
		t.Errorf("rejection retention %v, want %v", got, want)
	}
	c, err = loadConfig([]string{"--conflict-retention=180d"}, []string{"SAMENSPEL_REJECTION_RETENTION=336h"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Sync.ConflictRetention != 180*24*time.Hour || c.Sync.RejectionRetention != 14*24*time.Hour {
		t.Errorf("got %v and %v, want 180d and 14d", c.Sync.ConflictRetention, c.Sync.RejectionRetention)
	}
	for _, bad := range []struct {
		args, env []string
		want      string
	}{
		{env: []string{"SAMENSPEL_CONFLICT_RETENTION=0"}, want: "SAMENSPEL_CONFLICT_RETENTION"},
		{env: []string{"SAMENSPEL_CONFLICT_RETENTION=-5d"}, want: "SAMENSPEL_CONFLICT_RETENTION"},
		{env: []string{"SAMENSPEL_CONFLICT_RETENTION=90"}, want: "SAMENSPEL_CONFLICT_RETENTION"},
		{env: []string{"SAMENSPEL_CONFLICT_RETENTION=twee weken"}, want: "SAMENSPEL_CONFLICT_RETENTION"},
		{env: []string{"SAMENSPEL_REJECTION_RETENTION=2h"}, want: "SAMENSPEL_REJECTION_RETENTION"},
		{env: []string{"SAMENSPEL_REJECTION_RETENTION=9000d"}, want: "SAMENSPEL_REJECTION_RETENTION"},
		{args: []string{"--rejection-retention=1.5d"}, want: "rejection-retention"},
	} {
		_, err := loadConfig(bad.args, bad.env)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v %v: error %v, want one naming %s", bad.args, bad.env, err, bad.want)
		}
	}
}
