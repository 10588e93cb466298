package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/samenspel/samenspel/backup"
	fieldsync "github.com/samenspel/samenspel/sync"
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

	Storage   StorageConfig
	Sync      SyncConfig
	Staff     StaffLoginConfig
	AccessLog AccessLogConfig
	Backup    BackupConfig
	Ops       OpsConfig

	// MailLog is where mails go when no SMTP server is configured (the
	// one-time login codes of staff, stafflogin.go); nil is os.Stderr.
	MailLog io.Writer

	// Now is the clock device tokens are issued and checked by; nil is
	// time.Now. Tests move it instead of waiting.
	Now func() time.Time

	// OnErase records an erasure in the access log (not a setting: the
	// access log's package sets it when wiring the server). Nil records
	// nothing.
	OnErase fieldsync.ErasureHook

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

// BackupConfig selects continuous backup of the database (docs/backup.md).
type BackupConfig struct {
	Kind string // "off" (default) or "s3"
	S3   backup.Config

	// ReplayWindow is the least time devices keep acknowledged mutations
	// to send again after a restore; the server advertises at least twice
	// the current backup lag on top (sync/replay.go).
	ReplayWindow time.Duration
}

// On reports whether the database is replicated.
func (b BackupConfig) On() bool { return b.Kind == "s3" }

// SyncConfig tunes the sync protocol.
type SyncConfig struct {
	TombstoneHorizon time.Duration // how long deletes stay in the feed; older cursors get cursor_expired
	MinSchemaVersion int           // oldest app schema version still served
	DeviceTokenTTL   time.Duration
	RatePerSecond    float64 // sustained requests per second per device; 0 turns the limit off
	RateBurst        int     // requests a device may make at once (a fresh phone pulls many pages)
	MaxDevices       int     // active (unrevoked) devices per person

	ConflictRetention  time.Duration // resolved conflicts are removed this long after their last change
	RejectionRetention time.Duration // rejected mutations are removed this long after they arrived
}

// StaffLoginConfig is how staff (users) log in: password and a one-time
// code by e-mail (PocketBase's MFA, on by default), and optionally the
// organisation's identity provider over OpenID Connect.
type StaffLoginConfig struct {
	// MFA is who asks staff for a second factor: "otp" (default) is
	// Samenspel, with a code by e-mail after the password or the OIDC
	// login; "idp" is the organisation's identity provider, which does MFA
	// itself, so an OIDC login needs no code from Samenspel (a password
	// login still does). "idp" needs OIDC.
	MFA  string
	OIDC OIDCConfig
	// SuperuserMFA is whether Samenspel keeps superusers (the dashboard)
	// on two factors, password and a code by e-mail: "otp" (default), or
	// "off", which leaves it to the dashboard's own settings (for a
	// dashboard only reachable through the organisation's own login).
	SuperuserMFA string
}

// Staff MFA modes.
const (
	StaffMFAOTP = "otp"
	StaffMFAIdP = "idp"
	// SuperuserMFAOff leaves the superusers' MFA to the dashboard.
	SuperuserMFAOff = "off"
)

// OIDCConfig is the organisation's OpenID Connect provider, set on the
// users collection as PocketBase's "oidc" OAuth2 provider when the server
// starts. All empty: no OIDC from the configuration (what is set in the
// dashboard stays).
type OIDCConfig struct {
	AuthURL      string // authorization endpoint
	TokenURL     string // token endpoint
	UserInfoURL  string // userinfo endpoint; empty: the user is read from the id_token
	ClientID     string
	ClientSecret string
	DisplayName  string // the button's text
	Issuer       string // with the id_token: the only accepted "iss"
	JWKSURL      string // with the id_token: the keys its signature is checked with
}

// Enabled reports whether any OIDC setting is given.
func (o OIDCConfig) Enabled() bool {
	return o.AuthURL != "" || o.TokenURL != "" || o.UserInfoURL != "" || o.ClientID != "" || o.ClientSecret != "" || o.Issuer != "" || o.JWKSURL != ""
}

// AccessLogConfig sets the access log (internal/accesslog).
type AccessLogConfig struct {
	// Retention is how long entries are kept: at least MinAccessLogRetention.
	Retention time.Duration
	// Off runs without the access log. Not a setting: for tests and
	// benchmarks that measure what the log costs.
	Off bool
}

// Year is a year in retention periods: 365.25 days.
const Year = 8766 * time.Hour

// MinAccessLogRetention is the shortest retention of the access log: five
// years (NEN 7513; the Dutch decree on electronic data processing by care
// providers asks at least that).
const MinAccessLogRetention = 5 * Year

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
	// CheckpointEvery, when set, turns SQLite's automatic checkpoint of
	// data.db off and checkpoints in the background at this interval
	// instead (checkpoint.go). New sets it for `serve` without backup.
	CheckpointEvery time.Duration

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
			RatePerSecond: 50, RateBurst: 500, MaxDevices: 10,
			ConflictRetention: fieldsync.DefaultConflictRetention, RejectionRetention: fieldsync.DefaultRejectionRetention},
		Staff:     StaffLoginConfig{MFA: StaffMFAOTP, SuperuserMFA: StaffMFAOTP, OIDC: OIDCConfig{DisplayName: "Inloggen via je organisatie"}},
		AccessLog: AccessLogConfig{Retention: MinAccessLogRetention},
		Backup: BackupConfig{Kind: "off", ReplayWindow: 15 * time.Minute,
			S3: backup.Config{Region: "us-east-1", TLS: true, Path: "samenspel", SyncInterval: time.Second, Retention: 72 * time.Hour}},
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
	// days is a duration that also takes whole days ("90d").
	days := func(flag, env, help string, p *time.Duration) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.Var((*daysValue)(p), n, h) },
			func(v string) (err error) { *p, err = parseDays(v); return err }}
	}
	retention := func(flag, env, help string, p *time.Duration) setting {
		return setting{flag, env, help,
			func(fs *pflag.FlagSet, n, h string) { fs.Var((*yearsValue)(p), n, h) },
			func(v string) (err error) { return (*yearsValue)(p).Set(v) }}
	}
	return []setting{
		retention("access-log-retention", "SAMENSPEL_ACCESS_LOG_RETENTION", "how long the access log keeps entries: years (5y) or a duration; at least 5y", &c.AccessLog.Retention),
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
		str("staff-mfa", "SAMENSPEL_STAFF_MFA", `who asks staff for a second factor: "otp" (a code by e-mail) or "idp" (the OIDC provider does MFA)`, &c.Staff.MFA),
		str("superuser-mfa", "SAMENSPEL_SUPERUSER_MFA", `superusers log in to the dashboard with a password and a code by e-mail: "otp", or "off" (as set in the dashboard)`, &c.Staff.SuperuserMFA),
		str("oidc-auth-url", "SAMENSPEL_OIDC_AUTH_URL", "staff login through OIDC: authorization endpoint", &c.Staff.OIDC.AuthURL),
		str("oidc-token-url", "SAMENSPEL_OIDC_TOKEN_URL", "OIDC token endpoint", &c.Staff.OIDC.TokenURL),
		str("oidc-userinfo-url", "SAMENSPEL_OIDC_USERINFO_URL", "OIDC userinfo endpoint (empty: read the id_token)", &c.Staff.OIDC.UserInfoURL),
		str("oidc-client-id", "SAMENSPEL_OIDC_CLIENT_ID", "OIDC client id", &c.Staff.OIDC.ClientID),
		str("oidc-client-secret", "SAMENSPEL_OIDC_CLIENT_SECRET", "OIDC client secret", &c.Staff.OIDC.ClientSecret),
		str("oidc-display-name", "SAMENSPEL_OIDC_DISPLAY_NAME", "text of the OIDC login button", &c.Staff.OIDC.DisplayName),
		str("oidc-issuer", "SAMENSPEL_OIDC_ISSUER", "OIDC issuer the id_token must name (without a userinfo endpoint)", &c.Staff.OIDC.Issuer),
		str("oidc-jwks-url", "SAMENSPEL_OIDC_JWKS_URL", "OIDC keys to check the id_token with (without a userinfo endpoint)", &c.Staff.OIDC.JWKSURL),
		days("conflict-retention", "SAMENSPEL_CONFLICT_RETENTION", `remove resolved conflicts this long after their last change ("90d" or "2160h")`, &c.Sync.ConflictRetention),
		days("rejection-retention", "SAMENSPEL_REJECTION_RETENTION", `remove rejected mutations this long after they arrived ("30d" or "720h")`, &c.Sync.RejectionRetention),
		str("backup", "SAMENSPEL_BACKUP", `continuous database backup: "off" or "s3" (docs/backup.md)`, &c.Backup.Kind),
		str("backup-s3-endpoint", "SAMENSPEL_BACKUP_S3_ENDPOINT", "backup S3 endpoint host[:port], without scheme; empty is AWS S3", &c.Backup.S3.Endpoint),
		str("backup-s3-bucket", "SAMENSPEL_BACKUP_S3_BUCKET", "backup S3 bucket (must exist)", &c.Backup.S3.Bucket),
		str("backup-s3-path", "SAMENSPEL_BACKUP_S3_PATH", "key prefix of the backup inside its bucket", &c.Backup.S3.Path),
		str("backup-s3-access-key", "SAMENSPEL_BACKUP_S3_ACCESS_KEY", "backup S3 access key (empty: the AWS default credential chain)", &c.Backup.S3.AccessKey),
		str("backup-s3-secret-key", "SAMENSPEL_BACKUP_S3_SECRET_KEY", "backup S3 secret key", &c.Backup.S3.SecretKey),
		str("backup-s3-region", "SAMENSPEL_BACKUP_S3_REGION", "backup S3 region", &c.Backup.S3.Region),
		boolean("backup-s3-path-style", "SAMENSPEL_BACKUP_S3_PATH_STYLE", "path-style backup S3 URLs (MinIO, versitygw, Garage)", &c.Backup.S3.PathStyle),
		boolean("backup-s3-tls", "SAMENSPEL_BACKUP_S3_TLS", "use HTTPS to reach the backup S3 endpoint", &c.Backup.S3.TLS),
		duration("backup-sync-interval", "SAMENSPEL_BACKUP_SYNC_INTERVAL", "how often new writes are uploaded to the backup", &c.Backup.S3.SyncInterval),
		duration("backup-retention", "SAMENSPEL_BACKUP_RETENTION", "how far back a point-in-time restore can go", &c.Backup.S3.Retention),
		duration("replay-window", "SAMENSPEL_REPLAY_WINDOW", "least time devices keep acknowledged writes to replay after a restore", &c.Backup.ReplayWindow),
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
	for _, r := range []struct {
		flag string
		v    time.Duration
	}{{"conflict-retention", c.Sync.ConflictRetention}, {"rejection-retention", c.Sync.RejectionRetention}} {
		if r.v < 24*time.Hour || r.v > maxRetention {
			return fmt.Errorf("%s %s: must be from 1d to %dd (whole days, e.g. \"30d\")", c.name(r.flag), (*daysValue)(&r.v), maxRetention/(24*time.Hour))
		}
	}
	if c.AccessLog.Retention < MinAccessLogRetention {
		return fmt.Errorf("%s %s: the access log must be kept at least 5 years (5y)", c.name("access-log-retention"), (*yearsValue)(&c.AccessLog.Retention))
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
	if err := c.validateStaff(); err != nil {
		return err
	}
	return c.validateBackup()
}

// validateStaff checks the staff login: a known MFA mode, OIDC complete
// or absent, and "idp" only with OIDC (without it, nothing would ask
// staff for a second factor).
func (c *Config) validateStaff() error {
	st := &c.Staff
	switch st.MFA {
	case StaffMFAOTP, StaffMFAIdP:
	default:
		return fmt.Errorf("%s %q: want %q (a code by e-mail) or %q (the OIDC provider does MFA)", c.name("staff-mfa"), st.MFA, StaffMFAOTP, StaffMFAIdP)
	}
	if st.SuperuserMFA != StaffMFAOTP && st.SuperuserMFA != SuperuserMFAOff {
		return fmt.Errorf("%s %q: want %q (a code by e-mail) or %q (as the dashboard has it)", c.name("superuser-mfa"), st.SuperuserMFA, StaffMFAOTP, SuperuserMFAOff)
	}
	o := st.OIDC
	if !o.Enabled() {
		if st.MFA == StaffMFAIdP {
			return fmt.Errorf("%s is %q but no OIDC provider is set: set %s, %s, %s and %s, or leave MFA to Samenspel (%q)",
				c.name("staff-mfa"), StaffMFAIdP, c.name("oidc-auth-url"), c.name("oidc-token-url"), c.name("oidc-client-id"), c.name("oidc-client-secret"), StaffMFAOTP)
		}
		return nil
	}
	var missing []string
	for _, m := range []struct{ flag, v string }{
		{"oidc-auth-url", o.AuthURL}, {"oidc-token-url", o.TokenURL}, {"oidc-client-id", o.ClientID}, {"oidc-client-secret", o.ClientSecret},
	} {
		if m.v == "" {
			missing = append(missing, c.name(m.flag))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("OIDC is set up in part: %s %s not set", strings.Join(missing, ", "), plural(len(missing), "is", "are"))
	}
	for _, u := range []struct{ flag, v string }{
		{"oidc-auth-url", o.AuthURL}, {"oidc-token-url", o.TokenURL}, {"oidc-userinfo-url", o.UserInfoURL}, {"oidc-jwks-url", o.JWKSURL},
	} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return fmt.Errorf("%s %q: want an http(s) URL", c.name(u.flag), u.v)
		}
	}
	if o.UserInfoURL != "" && (o.Issuer != "" || o.JWKSURL != "") {
		return fmt.Errorf("%s and %s check the id_token, which is not read when %s is set: give one or the other", c.name("oidc-issuer"), c.name("oidc-jwks-url"), c.name("oidc-userinfo-url"))
	}
	return nil
}

// validateBackup fails a backup configuration that is half given: S3
// settings while backup is off, or backup on without a bucket.
func (c *Config) validateBackup() error {
	b := &c.Backup
	if b.ReplayWindow < time.Minute {
		return fmt.Errorf("%s %s: must be at least 1m", c.name("replay-window"), b.ReplayWindow)
	}
	switch b.Kind {
	case "off", "":
		b.Kind = "off"
		if set := c.givenWithPrefix("backup-"); len(set) > 0 {
			return fmt.Errorf("backup is off but backup settings are given (%s): set SAMENSPEL_BACKUP=s3 (or --backup=s3), or remove them", strings.Join(set, ", "))
		}
		return nil
	case "s3":
	default:
		return fmt.Errorf("%s %q: want \"off\" or \"s3\"", c.name("backup"), b.Kind)
	}
	s := &b.S3
	if s.Bucket == "" {
		return fmt.Errorf("backup is s3 but %s is not set", c.name("backup-s3-bucket"))
	}
	if (s.AccessKey == "") != (s.SecretKey == "") {
		return fmt.Errorf("backup is s3 but only one of %s and %s is set: give both, or neither for the AWS default credential chain",
			c.name("backup-s3-access-key"), c.name("backup-s3-secret-key"))
	}
	if strings.Contains(s.Endpoint, "://") {
		return fmt.Errorf("%s %q: give host[:port] without a scheme; %s chooses http or https", c.name("backup-s3-endpoint"), s.Endpoint, c.name("backup-s3-tls"))
	}
	if s.Endpoint != "" {
		if err := checkEndpoint(s.Endpoint); err != nil {
			return fmt.Errorf("%s %q: %v", c.name("backup-s3-endpoint"), s.Endpoint, err)
		}
	}
	if s.Region == "" {
		return fmt.Errorf("%s is empty: give the service's region (us-east-1 suits MinIO and versitygw)", c.name("backup-s3-region"))
	}
	s.Path = strings.Trim(s.Path, "/")
	if s.Path == "" {
		return fmt.Errorf("%s is empty: give the backup a key prefix of its own", c.name("backup-s3-path"))
	}
	if s.SyncInterval < 100*time.Millisecond || s.SyncInterval > time.Hour {
		return fmt.Errorf("%s %s: must be from 100ms to 1h", c.name("backup-sync-interval"), s.SyncInterval)
	}
	if s.Retention < time.Hour {
		return fmt.Errorf("%s %s: must be at least 1h", c.name("backup-retention"), s.Retention)
	}
	return nil
}

// givenWithPrefix names the settings whose flag starts with prefix that
// were given (as a flag or an environment variable), as they were given.
func (c *Config) givenWithPrefix(prefix string) []string {
	var set []string
	for _, st := range c.settings() {
		if n, ok := c.given[st.flag]; ok && strings.HasPrefix(st.flag, prefix) {
			set = append(set, n)
		}
	}
	return set
}

func (c *Config) validateStorage() error {
	s := &c.Storage
	switch s.Kind {
	case "local":
		if set := c.givenWithPrefix("s3-"); len(set) > 0 {
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

// maxRetention bounds the retention settings: longer than five years is
// no retention at all, and most likely a typo ("900d").
const maxRetention = 5 * 365 * 24 * time.Hour

// parseDays parses a duration, also in whole days ("90d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(v, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 || d > 100000 {
			return 0, errors.New(`want whole days ("90d") or a duration ("2160h")`)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// daysValue is a pflag.Value for parseDays.
type daysValue time.Duration

func (d *daysValue) String() string {
	v := time.Duration(*d)
	if v > 0 && v%(24*time.Hour) == 0 {
		return strconv.Itoa(int(v/(24*time.Hour))) + "d"
	}
	return v.String()
}

func (d *daysValue) Set(s string) error {
	v, err := parseDays(s)
	if err != nil {
		return err
	}
	*d = daysValue(v)
	return nil
}

func (d *daysValue) Type() string { return "duration" }

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

// yearsValue is a retention period given in years ("5y", "7y") or as a Go
// duration ("43830h"); a year is 365.25 days.
type yearsValue time.Duration

func (y *yearsValue) String() string {
	d := time.Duration(*y)
	if d%Year == 0 && d > 0 {
		return strconv.FormatInt(int64(d/Year), 10) + "y"
	}
	return d.String()
}

func (y *yearsValue) Set(v string) error {
	if n, ok := strings.CutSuffix(v, "y"); ok {
		years, err := strconv.Atoi(n)
		if err != nil || years < 0 || years > 100 {
			return fmt.Errorf("want a number of years such as 5y, or a duration such as 43830h")
		}
		*y = yearsValue(time.Duration(years) * Year)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("want a number of years such as 5y, or a duration such as 43830h")
	}
	*y = yearsValue(d)
	return nil
}

func (y *yearsValue) Type() string { return "years" }
