package server

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

// loadConfig parses args into a fresh flag set of Flags and loads env.
func loadConfig(args, env []string) (*Config, error) {
	fs := pflag.NewFlagSet("samenspel", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c := Flags(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return c, c.Load(fs, env)
}

// s3Env is a complete, valid S3 configuration.
var s3Env = []string{
	"SAMENSPEL_STORAGE=s3",
	"SAMENSPEL_S3_ENDPOINT=minio:9000",
	"SAMENSPEL_S3_BUCKET=samenspel",
	"SAMENSPEL_S3_ACCESS_KEY=samenspel",
	"SAMENSPEL_S3_SECRET_KEY=geheim-geheim",
	"SAMENSPEL_S3_PATH_STYLE=true",
	"SAMENSPEL_S3_TLS=false",
}

func TestConfigLoad(t *testing.T) {
	t.Parallel()
	with := func(base []string, more ...string) []string {
		return append(append([]string{}, base...), more...)
	}
	tests := []struct {
		name string
		args []string
		env  []string
		// check inspects a successful load; errs lists what a failure's
		// message must contain (the names of the settings at fault).
		check func(t *testing.T, c *Config)
		errs  []string
	}{
		{
			name: "defaults are the embedded default",
			env:  []string{"HOME=/root", "PATH=/usr/bin"}, // other variables are not ours
			check: func(t *testing.T, c *Config) {
				want := DefaultConfig()
				if c.Storage != want.Storage || c.Sync != want.Sync || c.PublicURL != want.PublicURL {
					t.Errorf("got %+v %+v %q, want the defaults %+v %+v %q", c.Storage, c.Sync, c.PublicURL, want.Storage, want.Sync, want.PublicURL)
				}
				if c.Storage.Kind != "local" || c.PublicURL != "" {
					t.Errorf("storage %q, public URL %q: want local storage and no public URL", c.Storage.Kind, c.PublicURL)
				}
				if got, want := c.Sync.TombstoneHorizon, 30*24*time.Hour; got != want {
					t.Errorf("tombstone horizon %s, want %s", got, want)
				}
			},
		},
		{
			name: "environment applies",
			env: with(s3Env, "SAMENSPEL_S3_REGION=eu-central-1", "SAMENSPEL_S3_PREFIX=acc/",
				"SAMENSPEL_PUBLIC_URL=https://samenspel.example.nl/", "SAMENSPEL_TOMBSTONE_HORIZON=720h",
				"SAMENSPEL_MIN_SCHEMA_VERSION=3", "SAMENSPEL_DEVICE_TOKEN_TTL=12h", "SAMENSPEL_MAX_DEVICES=4",
				"SAMENSPEL_DATA_DIR=/data", "SAMENSPEL_HTTP=0.0.0.0:8090"),
			check: func(t *testing.T, c *Config) {
				want := StorageConfig{Kind: "s3", Endpoint: "minio:9000", Bucket: "samenspel", AccessKey: "samenspel",
					SecretKey: "geheim-geheim", Region: "eu-central-1", PathStyle: true, TLS: false, Prefix: "acc/", PendingTTL: 24 * time.Hour}
				if c.Storage != want {
					t.Errorf("storage %+v, want %+v", c.Storage, want)
				}
				if got, want := c.PublicURL, "https://samenspel.example.nl"; got != want {
					t.Errorf("public URL %q, want %q (without the trailing slash)", got, want)
				}
				if want := (SyncConfig{TombstoneHorizon: 720 * time.Hour, MinSchemaVersion: 3, DeviceTokenTTL: 12 * time.Hour, RatePerSecond: 50, RateBurst: 500, MaxDevices: 4,
					ConflictRetention: 90 * 24 * time.Hour, RejectionRetention: 30 * 24 * time.Hour}); c.Sync != want {
					t.Errorf("sync %+v, want %+v", c.Sync, want)
				}
			},
		},
		{
			name: "flag wins over environment",
			args: []string{"--storage=local", "--public-url=http://localhost:8090", "--tombstone-horizon=48h", "--s3-tls=true"},
			env:  with(s3Env, "SAMENSPEL_PUBLIC_URL=https://elders.example.nl", "SAMENSPEL_TOMBSTONE_HORIZON=not-a-duration"),
			errs: []string{"storage is local", "SAMENSPEL_S3_BUCKET", "--s3-tls"}, // the flag's local storage meets the env's S3 settings
		},
		{
			name: "flag wins over environment, consistent",
			args: []string{"--s3-bucket=other", "--public-url=http://localhost:8090", "--tombstone-horizon=48h", "--s3-tls=true"},
			env:  with(s3Env, "SAMENSPEL_PUBLIC_URL=https://elders.example.nl", "SAMENSPEL_TOMBSTONE_HORIZON=not-a-duration"),
			check: func(t *testing.T, c *Config) {
				if c.Storage.Bucket != "other" || !c.Storage.TLS || c.PublicURL != "http://localhost:8090" || c.Sync.TombstoneHorizon != 48*time.Hour {
					t.Errorf("got bucket %q tls %v public URL %q horizon %s, want the flags' other, true, http://localhost:8090, 48h",
						c.Storage.Bucket, c.Storage.TLS, c.PublicURL, c.Sync.TombstoneHorizon)
				}
				if c.Storage.Endpoint != "minio:9000" {
					t.Errorf("endpoint %q, want the environment's minio:9000 where no flag is given", c.Storage.Endpoint)
				}
			},
		},
		{
			name: "empty variable counts as not set",
			env:  []string{"SAMENSPEL_STORAGE=", "SAMENSPEL_S3_BUCKET=", "SAMENSPEL_S3_TLS=", "SAMENSPEL_S3_REGION=", "SAMENSPEL_PUBLIC_URL="},
			check: func(t *testing.T, c *Config) {
				if want := DefaultConfig().Storage; c.Storage != want {
					t.Errorf("storage %+v, want the defaults %+v", c.Storage, want)
				}
			},
		},
		{
			name: "unknown variable",
			env:  []string{"SAMENSPEL_FOO=bar"},
			errs: []string{"unknown setting SAMENSPEL_FOO", "SAMENSPEL_STORAGE"},
		},
		{
			name: "misspelt variable",
			env:  with(s3Env, "SAMENSPEL_S3_PATHSTYLE=true"),
			errs: []string{"unknown setting SAMENSPEL_S3_PATHSTYLE"},
		},
		{
			name: "s3 without bucket and keys",
			env:  []string{"SAMENSPEL_STORAGE=s3", "SAMENSPEL_S3_ENDPOINT=minio:9000"},
			errs: []string{"storage is s3", "SAMENSPEL_S3_BUCKET", "SAMENSPEL_S3_ACCESS_KEY", "SAMENSPEL_S3_SECRET_KEY", " are not set"},
		},
		{
			name: "s3 by flag without endpoint",
			args: []string{"--storage=s3", "--s3-bucket=b", "--s3-access-key=a", "--s3-secret-key=s"},
			errs: []string{"SAMENSPEL_S3_ENDPOINT (--s3-endpoint) is not set"},
		},
		{
			name: "S3 settings with storage local",
			env:  []string{"SAMENSPEL_S3_BUCKET=samenspel", "SAMENSPEL_S3_PATH_STYLE=true"},
			errs: []string{"storage is local", "SAMENSPEL_S3_BUCKET", "SAMENSPEL_S3_PATH_STYLE", "SAMENSPEL_STORAGE=s3"},
		},
		{
			name: "S3 flag with storage local",
			args: []string{"--s3-region=eu-west-1"},
			errs: []string{"storage is local", "--s3-region"},
		},
		{
			name: "unknown storage kind",
			env:  []string{"SAMENSPEL_STORAGE=gcs"},
			errs: []string{"SAMENSPEL_STORAGE", `"gcs"`, `"local" or "s3"`},
		},
		{
			name: "bad bool",
			env:  with(s3Env, "SAMENSPEL_S3_TLS=ja"),
			errs: []string{`SAMENSPEL_S3_TLS="ja"`, "invalid syntax"},
		},
		{
			name: "no devices allowed",
			env:  []string{"SAMENSPEL_MAX_DEVICES=0"},
			errs: []string{"SAMENSPEL_MAX_DEVICES 0", "from 1 to 1000"},
		},
		{
			name: "short metrics token",
			env:  []string{"SAMENSPEL_METRICS_TOKEN=secret"},
			errs: []string{"SAMENSPEL_METRICS_TOKEN", "at least 16 characters"},
		},
		{
			name: "metrics address without port",
			args: []string{"--metrics-addr=localhost"},
			errs: []string{"--metrics-addr", `"localhost"`, "host:port"},
		},
		{
			name: "bad duration",
			env:  []string{"SAMENSPEL_DEVICE_TOKEN_TTL=30 days"},
			errs: []string{`SAMENSPEL_DEVICE_TOKEN_TTL="30 days"`},
		},
		{
			name: "bad integer",
			env:  []string{"SAMENSPEL_MIN_SCHEMA_VERSION=v2"},
			errs: []string{`SAMENSPEL_MIN_SCHEMA_VERSION="v2"`},
		},
		{
			name: "duration too short",
			env:  []string{"SAMENSPEL_TOMBSTONE_HORIZON=10m"},
			errs: []string{"SAMENSPEL_TOMBSTONE_HORIZON", "at least 1h"},
		},
		{
			name: "schema version too low by flag",
			args: []string{"--min-schema-version=0"},
			errs: []string{"--min-schema-version", "at least 1"},
		},
		{
			name: "token TTL too short",
			env:  []string{"SAMENSPEL_DEVICE_TOKEN_TTL=30s"},
			errs: []string{"SAMENSPEL_DEVICE_TOKEN_TTL", "at least 1m"},
		},
		{
			name: "endpoint with scheme",
			env:  with(s3Env, "SAMENSPEL_S3_ENDPOINT=http://minio:9000"),
			errs: []string{"SAMENSPEL_S3_ENDPOINT", "without a scheme", "SAMENSPEL_S3_TLS"},
		},
		{
			name: "endpoint with path",
			env:  with(s3Env, "SAMENSPEL_S3_ENDPOINT=minio:9000/samenspel"),
			errs: []string{"SAMENSPEL_S3_ENDPOINT", "without a path"},
		},
		{
			name: "endpoint with bad port",
			env:  with(s3Env, "SAMENSPEL_S3_ENDPOINT=minio:s3"),
			errs: []string{"SAMENSPEL_S3_ENDPOINT", "port"},
		},
		{
			name: "endpoint IPv6 with port",
			env:  with(s3Env, "SAMENSPEL_S3_ENDPOINT=[::1]:9000"),
			check: func(t *testing.T, c *Config) {
				if c.Storage.Endpoint != "[::1]:9000" {
					t.Errorf("endpoint %q", c.Storage.Endpoint)
				}
			},
		},
		{
			name: "bad public URL",
			env:  []string{"SAMENSPEL_PUBLIC_URL=samenspel.example.nl"},
			errs: []string{"SAMENSPEL_PUBLIC_URL", "http(s)://"},
		},
		{
			name: "public URL with another scheme",
			args: []string{"--public-url=ftp://samenspel.example.nl"},
			errs: []string{"--public-url"},
		},
		{
			name: "public URL with query",
			env:  []string{"SAMENSPEL_PUBLIC_URL=https://samenspel.example.nl/?x=1"},
			errs: []string{"SAMENSPEL_PUBLIC_URL"},
		},
		{
			name: "bad bool flag",
			args: []string{"--s3-tls=ja"},
			errs: []string{"s3-tls"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := loadConfig(tt.args, tt.env)
			if len(tt.errs) > 0 {
				if err == nil {
					t.Fatalf("loaded %+v, want an error naming %q", c, tt.errs)
				}
				for _, want := range tt.errs {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not contain %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			tt.check(t, c)
		})
	}
}

// TestNewDataDir checks that server.New takes PocketBase's data dir from
// SAMENSPEL_DATA_DIR.
func TestNewDataDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "pb_data")
	app, cfg, err := New([]string{"serve"}, []string{"SAMENSPEL_DATA_DIR=" + dir})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	if got := app.DataDir(); got != dir {
		t.Errorf("data dir %q, want %q", got, dir)
	}
	if cfg.Storage.Kind != "local" {
		t.Errorf("storage %q, want local", cfg.Storage.Kind)
	}
}

// TestNewConfiguration checks that New reads our flags wherever they stand
// among PocketBase's own, and refuses a bad configuration before anything
// starts.
func TestNewConfiguration(t *testing.T) {
	t.Parallel()
	dirEnv := "SAMENSPEL_DATA_DIR=" + t.TempDir()

	_, cfg, err := New([]string{"serve", "--http=127.0.0.1:0", "--storage=s3", "--s3-endpoint", "localhost:7070",
		"--s3-bucket=b", "--s3-access-key=a", "--s3-secret-key=s", "--s3-tls=false"}, []string{dirEnv})
	if err != nil {
		t.Fatalf("new: %v", err)
	}
	if want := (StorageConfig{Kind: "s3", Endpoint: "localhost:7070", Bucket: "b", AccessKey: "a", SecretKey: "s", Region: "us-east-1", PendingTTL: 24 * time.Hour}); cfg.Storage != want {
		t.Errorf("storage %+v, want %+v", cfg.Storage, want)
	}

	_, _, err = New([]string{"serve"}, []string{dirEnv, "SAMENSPEL_STORAGE=s3"})
	if err == nil || !strings.Contains(err.Error(), "SAMENSPEL_S3_BUCKET") {
		t.Errorf("new with storage s3 and nothing else: err %v, want one naming SAMENSPEL_S3_BUCKET", err)
	}
	_, _, err = New([]string{"serve"}, []string{dirEnv, "SAMENSPEL_FOO=1"})
	if err == nil || !strings.Contains(err.Error(), "SAMENSPEL_FOO") {
		t.Errorf("new with SAMENSPEL_FOO: err %v, want one naming it", err)
	}
}
