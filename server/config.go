package server

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is everything the server reads from flags and the environment,
// read once at start. Flags win over environment variables; every setting
// has a default that runs the server on the embedded default (SQLite and
// local disk). Unknown SAMENSPEL_* variables and inconsistent settings
// fail the start with a message that names them.
type Config struct {
	PublicURL string // how phones reach this server, for upload URLs and invite links

	Storage StorageConfig
	Sync    SyncConfig
}

// StorageConfig selects where photo bytes live.
type StorageConfig struct {
	Kind      string // "local" (default, under the data dir) or "s3"
	Endpoint  string // host[:port] of the S3-compatible service
	Bucket    string
	AccessKey string
	SecretKey string
	Region    string
	PathStyle bool // path-style URLs (MinIO, versitygw, Garage); false = virtual-host style (AWS)
	TLS       bool
	Prefix    string // key prefix inside the bucket
}

// SyncConfig tunes the sync protocol.
type SyncConfig struct {
	TombstoneHorizon time.Duration // how long deletes stay in the feed; older cursors get cursor_expired
	MinSchemaVersion int           // oldest app schema version still served
	DeviceTokenTTL   time.Duration
}

// setting is one configuration knob: a flag and its environment variable.
type setting struct {
	flag, env, help string
	bind            func(fs *pflag.FlagSet, name, help string)
	fromEnv         func(v string) error
}

// Flags registers the configuration flags on fs and returns the config they
// fill. Call Load after the flags are parsed.
func Flags(fs *pflag.FlagSet) *Config {
	c := &Config{
		Storage: StorageConfig{Kind: "local", Region: "us-east-1", TLS: true},
		Sync:    SyncConfig{TombstoneHorizon: 30 * 24 * time.Hour, MinSchemaVersion: 1, DeviceTokenTTL: 30 * 24 * time.Hour},
	}
	for _, s := range c.settings() {
		s.bind(fs, s.flag, s.help+" (env "+s.env+")")
	}
	return c
}

func (c *Config) settings() []setting {
	str := func(flag, env, help string, p *string) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.StringVar(p, n, *p, h) },
			func(v string) error { *p = v; return nil }}
	}
	boolean := func(flag, env, help string, p *bool) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.BoolVar(p, n, *p, h) },
			func(v string) (err error) { *p, err = strconv.ParseBool(v); return err }}
	}
	integer := func(flag, env, help string, p *int) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.IntVar(p, n, *p, h) },
			func(v string) (err error) { *p, err = strconv.Atoi(v); return err }}
	}
	duration := func(flag, env, help string, p *time.Duration) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.DurationVar(p, n, *p, h) },
			func(v string) (err error) { *p, err = time.ParseDuration(v); return err }}
	}
	return []setting{
		str("public-url", "SAMENSPEL_PUBLIC_URL", "public base URL of this server, e.g. https://samenspel.example.nl", &c.PublicURL),
		str("storage", "SAMENSPEL_STORAGE", `photo storage: "local" or "s3"`, &c.Storage.Kind),
		str("s3-endpoint", "SAMENSPEL_S3_ENDPOINT", "S3 endpoint host[:port], without scheme", &c.Storage.Endpoint),
		str("s3-bucket", "SAMENSPEL_S3_BUCKET", "S3 bucket (created at start if missing)", &c.Storage.Bucket),
		str("s3-access-key", "SAMENSPEL_S3_ACCESS_KEY", "S3 access key", &c.Storage.AccessKey),
		str("s3-secret-key", "SAMENSPEL_S3_SECRET_KEY", "S3 secret key", &c.Storage.SecretKey),
		str("s3-region", "SAMENSPEL_S3_REGION", "S3 region", &c.Storage.Region),
		boolean("s3-path-style", "SAMENSPEL_S3_PATH_STYLE", "use path-style S3 URLs (MinIO, versitygw, Garage)", &c.Storage.PathStyle),
		boolean("s3-tls", "SAMENSPEL_S3_TLS", "use HTTPS to reach S3", &c.Storage.TLS),
		str("s3-prefix", "SAMENSPEL_S3_PREFIX", "key prefix inside the S3 bucket", &c.Storage.Prefix),
		duration("tombstone-horizon", "SAMENSPEL_TOMBSTONE_HORIZON", "how long deletes stay in the change feed", &c.Sync.TombstoneHorizon),
		integer("min-schema-version", "SAMENSPEL_MIN_SCHEMA_VERSION", "oldest app schema version still served", &c.Sync.MinSchemaVersion),
		duration("device-token-ttl", "SAMENSPEL_DEVICE_TOKEN_TTL", "lifetime of a device token", &c.Sync.DeviceTokenTTL),
	}
}

// envOnly are environment variables read outside the flag set (main reads
// the data dir and HTTP address for PocketBase's own flags).
var envOnly = []string{EnvDataDir, EnvHTTP}

const (
	EnvDataDir = "SAMENSPEL_DATA_DIR"
	EnvHTTP    = "SAMENSPEL_HTTP"
)

// Load applies the environment (for settings whose flag was not given) and
// checks the result. fs is the parsed flag set of Flags.
func (c *Config) Load(fs *pflag.FlagSet, environ []string) error {
	known := slices.Clone(envOnly)
	for _, s := range c.settings() {
		known = append(known, s.env)
	}
	env := map[string]string{}
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "SAMENSPEL_") {
			continue
		}
		env[k] = v
		if !slices.Contains(known, k) {
			return fmt.Errorf("unknown setting %s; known settings: %s", k, strings.Join(known, ", "))
		}
	}
	for _, s := range c.settings() {
		v, ok := env[s.env]
		if !ok || (fs.Lookup(s.flag) != nil && fs.Changed(s.flag)) {
			continue
		}
		if err := s.fromEnv(v); err != nil {
			return fmt.Errorf("%s=%q: %v", s.env, v, err)
		}
	}
	return c.validate()
}

func (c *Config) validate() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("public URL %q: want http(s)://host[:port]", c.PublicURL)
		}
		c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	}
	if err := c.Storage.validate(); err != nil {
		return err
	}
	if c.Sync.TombstoneHorizon < time.Hour {
		return fmt.Errorf("tombstone horizon %s: must be at least 1h", c.Sync.TombstoneHorizon)
	}
	if c.Sync.MinSchemaVersion < 1 {
		return fmt.Errorf("min schema version %d: must be at least 1", c.Sync.MinSchemaVersion)
	}
	if c.Sync.DeviceTokenTTL < time.Minute {
		return fmt.Errorf("device token TTL %s: must be at least 1m", c.Sync.DeviceTokenTTL)
	}
	return nil
}

func (s *StorageConfig) validate() error {
	s3Set := s.Endpoint != "" || s.Bucket != "" || s.AccessKey != "" || s.SecretKey != "" || s.Prefix != ""
	switch s.Kind {
	case "local":
		if s3Set {
			return fmt.Errorf("S3 settings are given but storage is %q: set SAMENSPEL_STORAGE=s3 (or --storage=s3), or remove them", s.Kind)
		}
		return nil
	case "s3":
	default:
		return fmt.Errorf("storage %q: want \"local\" or \"s3\"", s.Kind)
	}
	var missing []string
	for name, v := range map[string]string{"endpoint": s.Endpoint, "bucket": s.Bucket, "access key": s.AccessKey, "secret key": s.SecretKey} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("storage is s3 but its %s %s not set", strings.Join(missing, ", "), plural(len(missing), "is", "are"))
	}
	if strings.Contains(s.Endpoint, "://") || strings.Contains(s.Endpoint, "/") {
		return fmt.Errorf("S3 endpoint %q: give host[:port] without scheme or path; use --s3-tls for https", s.Endpoint)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// DefaultConfig is the configuration with every default: local storage, no
// public URL. Tests start from it.
func DefaultConfig() *Config {
	return Flags(pflag.NewFlagSet("defaults", pflag.ContinueOnError))
}
