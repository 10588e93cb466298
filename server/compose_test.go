package server

import (
	"bufio"
	"context"
	"debug/elf"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// There is no Docker engine where the tests run, so these tests check what
// can be checked without one: docker-compose.yml and .env.example parse and
// give a configuration that Config.Load accepts (so they cannot drift from
// config.go), the Dockerfile's Go version is go.mod's, and the static
// binary the Dockerfile builds runs the container's command and answers the
// health check.

// repoRoot is where Dockerfile, docker-compose.yml and go.mod live.
const repoRoot = ".."

type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string                       `yaml:"image"`
	Command     []string                     `yaml:"command"`
	Build       any                          `yaml:"build"`
	Environment map[string]string            `yaml:"environment"` // the map form; the list form fails the parse
	DependsOn   map[string]map[string]string `yaml:"depends_on"`
	Volumes     []string                     `yaml:"volumes"`
	Ports       []string                     `yaml:"ports"`
	StopGrace   string                       `yaml:"stop_grace_period"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

func mustReadCompose(tb testing.TB) composeFile {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		tb.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		tb.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// mustReadDotenv reads KEY=VALUE lines, as compose reads .env.
func mustReadDotenv(tb testing.TB, path string) map[string]string {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	env := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			tb.Fatalf("%s:%d: want KEY=VALUE, got %q", path, n, line)
		}
		if _, dup := env[k]; dup {
			tb.Fatalf("%s:%d: %s given twice", path, n, k)
		}
		env[k] = v
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return env
}

var composeVar = regexp.MustCompile(`\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)`)

// interpolate expands ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err},
// ${VAR?err}, $VAR and $$ the way compose does, from env. It fails on a
// required variable that env lacks.
func interpolate(s string, env map[string]string) (string, error) {
	var err error
	out := composeVar.ReplaceAllStringFunc(s, func(m string) string {
		if m == "$$" {
			return "$"
		}
		sub := composeVar.FindStringSubmatch(m)
		name, op, arg := sub[1], sub[2], sub[3]
		if name == "" {
			name = sub[4]
		}
		v, set := env[name]
		switch op {
		case ":-":
			if v == "" {
				return arg
			}
		case "-":
			if !set {
				return arg
			}
		case ":?", "?":
			if !set || (op == ":?" && v == "") {
				err = fmt.Errorf("%s is required: %s", name, arg)
			}
		}
		return v
	})
	return out, err
}

// TestComposeConfig loads the server's environment from docker-compose.yml,
// filled in from .env.example as `cp .env.example .env` would, through
// Config.Load, and checks the wiring between the services.
func TestComposeConfig(t *testing.T) {
	t.Parallel()
	compose := mustReadCompose(t)
	dotenv := mustReadDotenv(t, filepath.Join(repoRoot, ".env.example"))

	for _, name := range []string{"server", "minio", "minio-init"} {
		if _, ok := compose.Services[name]; !ok {
			t.Fatalf("docker-compose.yml has no service %q", name)
		}
	}

	// Every variable the services use must be filled from .env.example,
	// and every SAMENSPEL_* variable anywhere must be a known setting.
	envs := map[string]map[string]string{}
	for name, svc := range compose.Services {
		envs[name] = map[string]string{}
		for k, v := range svc.Environment {
			got, err := interpolate(v, dotenv)
			if err != nil {
				t.Errorf("service %s, %s: %v (missing from .env.example)", name, k, err)
			}
			envs[name][k] = got
		}
	}
	var environ []string
	for k := range dotenv {
		if strings.HasPrefix(k, "SAMENSPEL_") {
			if _, ok := envs["server"][k]; !ok {
				t.Errorf(".env.example sets %s but docker-compose.yml does not pass it to the server", k)
			}
		}
	}
	for k, v := range envs["server"] {
		if !strings.HasPrefix(k, "SAMENSPEL_") {
			t.Errorf("server environment %s: the server reads only SAMENSPEL_* variables", k)
		}
		environ = append(environ, k+"="+v)
	}
	slices.Sort(environ)
	cfg, err := loadConfig(nil, environ)
	if err != nil {
		t.Fatalf("Config.Load of the compose server environment %v: %v", environ, err)
	}
	want := StorageConfig{Kind: "s3", Endpoint: "minio:9000", Bucket: dotenv["SAMENSPEL_S3_BUCKET"],
		AccessKey: dotenv["SAMENSPEL_S3_ACCESS_KEY"], SecretKey: dotenv["SAMENSPEL_S3_SECRET_KEY"],
		Region: "us-east-1", PathStyle: true, TLS: false, PendingTTL: 24 * time.Hour}
	if cfg.Storage != want {
		t.Errorf("compose storage config %+v, want %+v", cfg.Storage, want)
	}
	// Backup is on, to the second bucket minio-init makes, with the same key.
	wantBackup := DefaultConfig().Backup
	wantBackup.Kind = "s3"
	wantBackup.S3.Endpoint, wantBackup.S3.PathStyle, wantBackup.S3.TLS = "minio:9000", true, false
	wantBackup.S3.Bucket, wantBackup.S3.Path = dotenv["SAMENSPEL_BACKUP_S3_BUCKET"], dotenv["SAMENSPEL_BACKUP_S3_PATH"]
	wantBackup.S3.AccessKey, wantBackup.S3.SecretKey = dotenv["SAMENSPEL_S3_ACCESS_KEY"], dotenv["SAMENSPEL_S3_SECRET_KEY"]
	if r, err := time.ParseDuration(dotenv["SAMENSPEL_BACKUP_RETENTION"]); err == nil {
		wantBackup.S3.Retention = r
	}
	if cfg.Backup != wantBackup {
		t.Errorf("compose backup config %+v, want %+v", cfg.Backup, wantBackup)
	}
	if cfg.Backup.S3.Bucket == cfg.Storage.Bucket {
		t.Errorf("the backup goes to the photo bucket %q: give it a bucket of its own", cfg.Backup.S3.Bucket)
	}

	// minio-init creates the buckets and key the server uses.
	initEnv := envs["minio-init"]
	if initEnv["BACKUP_BUCKET"] != cfg.Backup.S3.Bucket {
		t.Errorf("minio-init creates backup bucket %q, the server backs up to %q", initEnv["BACKUP_BUCKET"], cfg.Backup.S3.Bucket)
	}
	if script := strings.Join(compose.Services["minio-init"].Command, "\n"); !strings.Contains(script, `mc mb --ignore-existing --with-versioning "root/$$BACKUP_BUCKET"`) ||
		!strings.Contains(script, "arn:aws:s3:::$$BACKUP_BUCKET/*") {
		t.Errorf("minio-init does not create the backup bucket or give the server's key access to it:\n%s", script)
	}
	if initEnv["BUCKET"] != cfg.Storage.Bucket || initEnv["APP_KEY"] != cfg.Storage.AccessKey || initEnv["APP_SECRET"] != cfg.Storage.SecretKey {
		t.Errorf("minio-init creates bucket %q for key %q, but the server uses bucket %q with key %q",
			initEnv["BUCKET"], initEnv["APP_KEY"], cfg.Storage.Bucket, cfg.Storage.AccessKey)
	}
	if u, p := envs["minio"]["MINIO_ROOT_USER"], envs["minio"]["MINIO_ROOT_PASSWORD"]; u != initEnv["MINIO_ROOT_USER"] || p != initEnv["MINIO_ROOT_PASSWORD"] {
		t.Errorf("minio-init logs in with other root credentials than minio has")
	}
	if len(envs["minio"]["MINIO_ROOT_USER"]) < 3 || len(envs["minio"]["MINIO_ROOT_PASSWORD"]) < 8 || len(cfg.Storage.SecretKey) < 8 {
		t.Errorf("MinIO wants users of at least 3 and secrets of at least 8 characters")
	}

	// Start order and health: minio healthy, then minio-init done, then the server.
	server, minio, minioInit := compose.Services["server"], compose.Services["minio"], compose.Services["minio-init"]
	if got := minioInit.DependsOn["minio"]["condition"]; got != "service_healthy" {
		t.Errorf("minio-init depends on minio with condition %q, want service_healthy", got)
	}
	if got := server.DependsOn["minio-init"]["condition"]; got != "service_completed_successfully" {
		t.Errorf("server depends on minio-init with condition %q, want service_completed_successfully", got)
	}
	if minio.Healthcheck == nil || server.Healthcheck == nil {
		t.Fatalf("minio and server need health checks")
	}
	if !strings.Contains(strings.Join(server.Healthcheck.Test, " "), "/api/health") {
		t.Errorf("server health check %q does not ask /api/health", server.Healthcheck.Test)
	}
	// Docker kills a container 10 s after SIGTERM unless told otherwise:
	// the server must get its shutdown timeout to finish pushes in flight.
	if grace, err := time.ParseDuration(server.StopGrace); err != nil || grace <= cfg.Ops.ShutdownTimeout {
		t.Errorf("server stop_grace_period %q, want a duration longer than the shutdown timeout %s", server.StopGrace, cfg.Ops.ShutdownTimeout)
	}
	if server.Build == nil {
		t.Errorf("server is not built from the Dockerfile")
	}
	if !strings.HasPrefix(minio.Image, "minio/minio") || !strings.HasPrefix(minioInit.Image, "minio/mc") {
		t.Errorf("images %q and %q, want minio/minio and minio/mc", minio.Image, minioInit.Image)
	}

	// Data on named volumes.
	for name, mount := range map[string]string{"server": "/pb_data", "minio": "/data"} {
		var named bool
		for _, v := range compose.Services[name].Volumes {
			src, dst, _ := strings.Cut(v, ":")
			if dst == mount {
				_, named = compose.Volumes[src]
			}
		}
		if !named {
			t.Errorf("service %s keeps %s on no named volume (volumes %q)", name, mount, compose.Services[name].Volumes)
		}
	}
}

// TestInterpolate checks the small compose interpolation the test above
// relies on.
func TestInterpolate(t *testing.T) {
	t.Parallel()
	env := map[string]string{"A": "a", "E": ""}
	for in, want := range map[string]string{
		"${A}": "a", "$A/x": "a/x", "${B:-d}": "d", "${E:-d}": "d", "${E-d}": "", "${B-d}": "d",
		"$$A": "$A", "${A:?need A}": "a", "x${A}y${B:-z}": "xayz",
	} {
		got, err := interpolate(in, env)
		if err != nil || got != want {
			t.Errorf("interpolate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"${B:?need B}", "${E:?need E}", "${B?need B}"} {
		if _, err := interpolate(in, env); err == nil {
			t.Errorf("interpolate(%q): no error for a missing required variable", in)
		}
	}
}

// TestDockerfile checks the Dockerfile against go.mod and the container
// contract the README and docker-compose.yml promise.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod)
	if goLine == nil {
		t.Fatalf("go.mod: no go directive")
	}

	from := regexp.MustCompile(`(?m)^FROM golang:([0-9][0-9.]*)[^\s]* AS build$`).FindStringSubmatch(df)
	if from == nil {
		t.Fatalf("Dockerfile: no `FROM golang:<version> AS build` line")
	}
	if got, want := from[1], string(goLine[1]); got != want {
		t.Errorf("Dockerfile builds with Go %s, go.mod says go %s", got, want)
	}
	for _, want := range []string{
		"CGO_ENABLED=0",
		"\nVOLUME /pb_data\n",
		"\nEXPOSE 8090\n",
		`CMD ["serve", "--http=0.0.0.0:8090", "--dir=/pb_data"]`,
		"/api/health",
		"HEALTHCHECK ",
	} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	user := regexp.MustCompile(`(?m)^USER (\S+)$`).FindAllStringSubmatch(df, -1)
	if len(user) == 0 {
		t.Errorf("Dockerfile: no USER; the server must not run as root")
	} else if u := user[len(user)-1][1]; u == "root" || u == "0" || strings.HasPrefix(u, "0:") {
		t.Errorf("Dockerfile runs as %s, want a non-root user", u)
	}
}

// TestStaticBinaryServes builds the binary as the Dockerfile does
// (CGO_ENABLED=0), checks it is static, and runs the container's command
// (on a free loopback port) until /api/health answers.
func TestStaticBinaryServes(t *testing.T) {
	t.Parallel()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("go not on PATH: %v", err)
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "samenspel")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	build := exec.CommandContext(ctx, goBin, "build", "-trimpath", "-o", bin, ".")
	build.Dir = repoRoot
	build.Env = append(cleanEnv(), "CGO_ENABLED=0", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatalf("open binary: %v", err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("binary has a dynamic loader (PT_INTERP): not static")
		}
	}
	f.Close()

	dataDir := filepath.Join(tmp, "pb_data")
	run := func(args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Env = cleanEnv()
		return cmd
	}
	// A superuser first, as the README says; it also keeps serve from
	// opening the installer in a browser.
	if out, err := run("superuser", "upsert", "admin@example.nl", "wachtwoord123", "--dir="+dataDir).CombinedOutput(); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out strings.Builder
	srv := run("serve", "--http="+addr, "--dir="+dataDir)
	srv.Stdout, srv.Stderr = &out, &out
	if err := srv.Start(); err != nil {
		t.Fatalf("start serve: %v", err)
	}
	defer func() {
		_ = srv.Process.Kill()
		_ = srv.Wait()
	}()
	url := "http://" + addr + "/api/health"
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: %v after 60s; server output:\n%s", url, err, out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cleanEnv is this process's environment without SAMENSPEL_* settings, so
// a developer's own configuration cannot change what the test runs.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SAMENSPEL_") {
			env = append(env, kv)
		}
	}
	return env
}
