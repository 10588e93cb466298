package server

import (
	"strings"
	"testing"
	"time"
)

// backupEnv is a complete, valid backup configuration.
var backupEnv = []string{
	"SAMENSPEL_BACKUP=s3",
	"SAMENSPEL_BACKUP_S3_ENDPOINT=minio:9000",
	"SAMENSPEL_BACKUP_S3_BUCKET=samenspel-backup",
	"SAMENSPEL_BACKUP_S3_ACCESS_KEY=key",
	"SAMENSPEL_BACKUP_S3_SECRET_KEY=secret-key",
}

func TestConfigBackup(t *testing.T) {
	t.Parallel()
	c, err := loadConfig(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Backup.On() || c.Backup.Kind != "off" {
		t.Errorf("backup is %q by default, want off", c.Backup.Kind)
	}
	c, err = loadConfig([]string{"--backup-sync-interval=500ms"}, backupEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Backup.S3; !c.Backup.On() || got.Bucket != "samenspel-backup" || got.Path != "samenspel" || !got.TLS ||
		got.SyncInterval != 500*time.Millisecond || got.Retention != 72*time.Hour || got.Region != "us-east-1" {
		t.Errorf("backup config %+v", c.Backup)
	}
	// AWS S3: no endpoint, credentials from the default chain.
	if _, err := loadConfig(nil, []string{"SAMENSPEL_BACKUP=s3", "SAMENSPEL_BACKUP_S3_BUCKET=b"}); err != nil {
		t.Errorf("AWS with the default credential chain: %v", err)
	}

	without := func(name string) []string {
		var env []string
		for _, kv := range backupEnv {
			if !strings.HasPrefix(kv, name+"=") {
				env = append(env, kv)
			}
		}
		return env
	}
	for _, tt := range []struct {
		name string
		args []string
		env  []string
		want string
	}{
		{"settings while off", nil, []string{"SAMENSPEL_BACKUP_S3_BUCKET=b"}, "backup is off but backup settings are given (SAMENSPEL_BACKUP_S3_BUCKET)"},
		{"flag while off", []string{"--backup-retention=2h"}, nil, "backup is off but backup settings are given (--backup-retention)"},
		{"no bucket", nil, without("SAMENSPEL_BACKUP_S3_BUCKET"), "SAMENSPEL_BACKUP_S3_BUCKET (--backup-s3-bucket) is not set"},
		{"one key", nil, without("SAMENSPEL_BACKUP_S3_SECRET_KEY"), "only one of"},
		{"unknown kind", nil, []string{"SAMENSPEL_BACKUP=litestream"}, `"litestream": want "off" or "s3"`},
		{"endpoint with scheme", nil, append(without("SAMENSPEL_BACKUP_S3_ENDPOINT"), "SAMENSPEL_BACKUP_S3_ENDPOINT=http://minio:9000"), "without a scheme"},
		{"empty path", []string{"--backup-s3-path=/"}, backupEnv, "key prefix of its own"},
		{"fast sync", []string{"--backup-sync-interval=1ms"}, backupEnv, "from 100ms to 1h"},
		{"short retention", []string{"--backup-retention=5m"}, backupEnv, "at least 1h"},
		{"short replay window", []string{"--replay-window=5s"}, nil, "at least 1m"},
	} {
		_, err := loadConfig(tt.args, tt.env)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err=%v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}
