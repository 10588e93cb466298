package server

import (
	"strings"
	"testing"
	"time"
)

// The access log is kept at least five years: shorter refuses to start,
// naming the setting.
func TestAccessLogRetention(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args, env []string
		want      time.Duration
		err       string
	}{
		{want: 5 * Year},
		{args: []string{"--access-log-retention=7y"}, want: 7 * Year},
		{env: []string{"SAMENSPEL_ACCESS_LOG_RETENTION=87660h"}, want: 10 * Year},
		{args: []string{"--access-log-retention=4y"}, err: "--access-log-retention 4y: the access log must be kept at least 5 years"},
		{env: []string{"SAMENSPEL_ACCESS_LOG_RETENTION=43800h"}, err: "SAMENSPEL_ACCESS_LOG_RETENTION 43800h0m0s: the access log must be kept at least 5 years"},
		{env: []string{"SAMENSPEL_ACCESS_LOG_RETENTION=lang"}, err: `SAMENSPEL_ACCESS_LOG_RETENTION="lang": want a number of years`},
	} {
		c, err := loadConfig(tc.args, tc.env)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%v %v: error %v, want %q", tc.args, tc.env, err, tc.err)
			}
			continue
		}
		if err != nil || c.AccessLog.Retention != tc.want {
			t.Errorf("%v %v: %v, retention %v, want %v", tc.args, tc.env, err, c.AccessLog.Retention, tc.want)
		}
	}
	// The server refuses to start with it.
	if _, _, err := New([]string{"serve", "--access-log-retention=1y"}, nil); err == nil || !strings.Contains(err.Error(), "at least 5 years") {
		t.Fatalf("New with 1y: %v", err)
	}
}
