package server

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Config is everything the server reads from flags and the environment,
// read once at start. Flags win over environment variables; an environment
// variable set to the empty string counts as not set (so a compose file can
// pass ${VAR:-} through). Every setting has a default that runs the server
// on the embedded default (SQLite and local disk). Unknown SAMENSPEL_*
// variables and inconsistent settings fail the start with a message that
// names them.
type Config struct {
	PublicURL string // how phones reach this server, for upload URLs and invite links

	Storage StorageConfig
	Sync    SyncConfig
	Ops     OpsConfig

	// Now is the clock device tokens are issued and checked by; nil is
	// time.Now. Tests move it instead of waiting.
	Now func() time.Time

	// given maps the flag name of every setting given explicitly to how it
	// was given ("--s3-bucket" or "SAMENSPEL_S3_BUCKET"), for messages.
	given map[string]string
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

	// PendingTTL is how long an announced photo may wait for its upload,
	// and how old an object no record points to must be, before the
	// sweeper removes it.
	PendingTTL time.Duration
}

// SyncConfig tunes the sync protocol.
type SyncConfig struct {
	TombstoneHorizon time.Duration // how long deletes stay in the feed; older cursors get cursor_expired
	MinSchemaVersion int           // oldest app schema version still served
	DeviceTokenTTL   time.Duration
	RatePerSecond    float64 // sustained requests per second per device; 0 turns the limit off
	RateBurst        int     // requests a device may make at once (a fresh phone pulls many pages)
	MaxDevices       int     // active (unrevoked) devices per person
}

// OpsConfig is how the server is watched and stopped (docs/operations.md).
type OpsConfig struct {
	// MetricsToken, when set, serves Prometheus metrics at /metrics on the
	// main address to requests bearing it (Authorization: Bearer <token>).
	MetricsToken string
	// MetricsAddr, when set, serves /metrics on its own listener (for
	// example 127.0.0.1:9091 or an address only the monitoring network
	// reaches), without a token unless MetricsToken is set too. With
	// neither, metrics are not served at all.
	MetricsAddr string
	// ShutdownTimeout is how long a stopping server (SIGTERM) waits for
	// requests in flight, pushes above all, before it closes the database.
	ShutdownTimeout time.Duration

	// BackupLag, if set, reports how far the continuous backup is behind
	// (ok false: unknown); it becomes the samenspel_backup_lag_seconds
	// gauge. The backup wiring sets it; nil leaves the gauge out.
	BackupLag func() (lag time.Duration, ok bool)
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
		Storage: StorageConfig{Kind: "local", Region: "us-east-1", TLS: true, PendingTTL: 24 * time.Hour},
		Sync: SyncConfig{TombstoneHorizon: 30 * 24 * time.Hour, MinSchemaVersion: 1, DeviceTokenTTL: 30 * 24 * time.Hour,
			RatePerSecond: 50, RateBurst: 500, MaxDevices: 10},
		Ops: OpsConfig{ShutdownTimeout: 25 * time.Second},
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
	float := func(flag, env, help string, p *float64) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.Float64Var(p, n, *p, h) },
			func(v string) (err error) { *p, err = strconv.ParseFloat(v, 64); return err }}
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
		duration("media-pending-ttl", "SAMENSPEL_MEDIA_PENDING_TTL", "remove photos never uploaded, and objects no record points to, after this", &c.Storage.PendingTTL),
		duration("tombstone-horizon", "SAMENSPEL_TOMBSTONE_HORIZON", "how long deletes stay in the change feed", &c.Sync.TombstoneHorizon),
		integer("min-schema-version", "SAMENSPEL_MIN_SCHEMA_VERSION", "oldest app schema version still served", &c.Sync.MinSchemaVersion),
		duration("device-token-ttl", "SAMENSPEL_DEVICE_TOKEN_TTL", "lifetime of a device token", &c.Sync.DeviceTokenTTL),
		float("sync-rate", "SAMENSPEL_SYNC_RATE", "sync requests per second per device (0: no limit)", &c.Sync.RatePerSecond),
		integer("sync-burst", "SAMENSPEL_SYNC_BURST", "sync requests a device may make at once", &c.Sync.RateBurst),
		integer("max-devices", "SAMENSPEL_MAX_DEVICES", "active (unrevoked) devices a person may have", &c.Sync.MaxDevices),
		str("metrics-token", "SAMENSPEL_METRICS_TOKEN", "serve Prometheus metrics at /metrics to requests with this bearer token", &c.Ops.MetricsToken),
		str("metrics-addr", "SAMENSPEL_METRICS_ADDR", "serve Prometheus metrics at /metrics on this separate address, e.g. 127.0.0.1:9091", &c.Ops.MetricsAddr),
		duration("shutdown-timeout", "SAMENSPEL_SHUTDOWN_TIMEOUT", "on SIGTERM, how long to let requests in flight finish", &c.Ops.ShutdownTimeout),
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
// checks the result. fs is the parsed flag set of Flags. The error names
// the offending variable or flag: an unknown SAMENSPEL_* variable, a value
// that does not parse, or settings that do not fit together.
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
		if !slices.Contains(known, k) {
			return fmt.Errorf("unknown setting %s; known settings: %s", k, strings.Join(known, ", "))
		}
		if v != "" {
			env[k] = v
		}
	}
	c.given = map[string]string{}
	for _, s := range c.settings() {
		if f := fs.Lookup(s.flag); f != nil && f.Changed {
			c.given[s.flag] = "--" + s.flag
			continue
		}
		v, ok := env[s.env]
		if !ok {
			continue
		}
		if err := s.fromEnv(v); err != nil {
			return fmt.Errorf("%s=%q: %v", s.env, v, unwrapNum(err))
		}
		c.given[s.flag] = s.env
	}
	return c.validate()
}

// unwrapNum drops strconv's `strconv.ParseBool: parsing "x": ` preamble,
// which only repeats the value the message already shows.
func unwrapNum(err error) error {
	var ne *strconv.NumError
	if errors.As(err, &ne) {
		return ne.Err
	}
	return err
}

// name is how a setting was given, or both ways to give it.
func (c *Config) name(flag string) string {
	if n, ok := c.given[flag]; ok {
		return n
	}
	for _, s := range c.settings() {
		if s.flag == flag {
			return s.env + " (--" + s.flag + ")"
		}
	}
	return "--" + flag
}

func (c *Config) validate() error {
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("%s %q: want http(s)://host[:port][/path]", c.name("public-url"), c.PublicURL)
		}
		c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	}
	if err := c.validateStorage(); err != nil {
		return err
	}
	if c.Storage.PendingTTL < time.Minute {
		return fmt.Errorf("%s %s: must be at least 1m", c.name("media-pending-ttl"), c.Storage.PendingTTL)
	}
	if c.Sync.TombstoneHorizon < time.Hour {
		return fmt.Errorf("%s %s: must be at least 1h", c.name("tombstone-horizon"), c.Sync.TombstoneHorizon)
	}
	if c.Sync.MinSchemaVersion < 1 {
		return fmt.Errorf("%s %d: must be at least 1", c.name("min-schema-version"), c.Sync.MinSchemaVersion)
	}
	if c.Sync.DeviceTokenTTL < time.Minute {
		return fmt.Errorf("%s %s: must be at least 1m", c.name("device-token-ttl"), c.Sync.DeviceTokenTTL)
	}
	if c.Sync.RatePerSecond < 0 {
		return fmt.Errorf("%s %v: must be 0 (no limit) or more", c.name("sync-rate"), c.Sync.RatePerSecond)
	}
	if c.Sync.MaxDevices < 1 || c.Sync.MaxDevices > 1000 {
		return fmt.Errorf("%s %d: must be from 1 to 1000", c.name("max-devices"), c.Sync.MaxDevices)
	}
	if c.Ops.MetricsToken != "" && len(c.Ops.MetricsToken) < 16 {
		return fmt.Errorf("%s: use at least 16 characters", c.name("metrics-token"))
	}
	if c.Ops.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.Ops.MetricsAddr); err != nil {
			return fmt.Errorf("%s %q: want host:port (or :port)", c.name("metrics-addr"), c.Ops.MetricsAddr)
		}
	}
	if c.Ops.ShutdownTimeout < 0 {
		return fmt.Errorf("%s %s: must not be negative", c.name("shutdown-timeout"), c.Ops.ShutdownTimeout)
	}
	if c.Sync.RatePerSecond > 0 && c.Sync.RateBurst < 1 {
		return fmt.Errorf("%s %d: must be at least 1 when %s is set", c.name("sync-burst"), c.Sync.RateBurst, c.name("sync-rate"))
	}
	return nil
}

func (c *Config) validateStorage() error {
	s := &c.Storage
	switch s.Kind {
	case "local":
		var set []string
		for _, st := range c.settings() {
			if n, ok := c.given[st.flag]; ok && strings.HasPrefix(st.flag, "s3-") {
				set = append(set, n)
			}
		}
		if len(set) > 0 {
			return fmt.Errorf("storage is local but S3 settings are given (%s): set SAMENSPEL_STORAGE=s3 (or --storage=s3), or remove them", strings.Join(set, ", "))
		}
		return nil
	case "s3":
	default:
		return fmt.Errorf("%s %q: want \"local\" or \"s3\"", c.name("storage"), s.Kind)
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{
		{"s3-endpoint", s.Endpoint}, {"s3-bucket", s.Bucket}, {"s3-access-key", s.AccessKey}, {"s3-secret-key", s.SecretKey},
	} {
		if m.v == "" {
			missing = append(missing, c.name(m.flag))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("storage is s3 but %s %s not set", strings.Join(missing, ", "), plural(len(missing), "is", "are"))
	}
	if err := checkEndpoint(s.Endpoint); err != nil {
		return fmt.Errorf("%s %q: %v", c.name("s3-endpoint"), s.Endpoint, err)
	}
	if s.Region == "" {
		return fmt.Errorf("%s is empty: give the service's region (us-east-1 suits MinIO and versitygw)", c.name("s3-region"))
	}
	return nil
}

// checkEndpoint accepts host or host:port, nothing more: the scheme comes
// from the TLS setting, and a path would be mistaken for a bucket.
func checkEndpoint(endpoint string) error {
	if strings.Contains(endpoint, "://") {
		return errors.New("give host[:port] without a scheme; SAMENSPEL_S3_TLS (--s3-tls) chooses http or https")
	}
	if strings.ContainsAny(endpoint, "/?# ") {
		return errors.New("give host[:port] without a path")
	}
	host := endpoint
	if h, port, err := net.SplitHostPort(endpoint); err == nil {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q: want a number from 1 to 65535", port)
		}
		host = h
	} else if strings.Count(endpoint, ":") == 1 {
		return fmt.Errorf("want host[:port]: %v", err)
	}
	if host == "" {
		return errors.New("host is empty")
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

// PhotoOrigins are the origins from which browsers load stored photos: none
// for local storage (the server serves them), the bucket's for S3 (photos
// are shown from presigned URLs).
func (s StorageConfig) PhotoOrigins() []string {
	if s.Kind != "s3" {
		return nil
	}
	scheme := "http://"
	if s.TLS {
		scheme = "https://"
	}
	host := s.Endpoint
	if !s.PathStyle {
		host = s.Bucket + "." + s.Endpoint
	}
	return []string{scheme + host}
}
