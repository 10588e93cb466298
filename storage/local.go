package storage

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// LocalConfig says where the local store keeps its files and how phones
// reach its upload endpoint.
type LocalConfig struct {
	// Root is the directory that holds the objects, created if missing;
	// the server uses a folder inside PocketBase's data dir.
	Root string

	// BaseURL is the absolute URL under which the server mounts Handler,
	// e.g. "https://host/api/sync/v1/blobs". Presigned URLs are BaseURL +
	// "/" + key + "?ticket=...".
	BaseURL string

	// Secret signs upload and download tickets: at least 32 random bytes,
	// kept across restarts (or every outstanding URL stops working). The
	// store derives its own key from it, so the same secret may sign other
	// tokens without a ticket ever passing for one of them.
	Secret []byte

	// Logger receives the errors that Handler answers as 500 internal,
	// whose details it keeps from the client. Nil means slog.Default().
	Logger *slog.Logger

	// PutOpen, if set, is asked before Handler takes an upload: a ticket
	// writes only while it answers true (the server closes a photo's
	// upload once the photo is stored, before its ticket expires). False
	// answers 403 forbidden, an error 500 internal.
	PutOpen func(ctx context.Context, key string) (bool, error)
}

// Local is the embedded default Store: objects are files under a root
// directory, laid out as their keys (key "media/ab/cd.jpg" is the file
// Root/media/ab/cd.jpg), so an operator can back them up or inspect them
// with ordinary tools. Each object's content type is kept in a small JSON
// file under Root/.meta (Root/.meta/media/ab/.cd.jpg); uploads in progress
// are in Root/.tmp.
//
// Writes are atomic: the bytes go to a temporary file that is synced and
// then renamed into place, so a reader sees the old object or the new one,
// never half of one, and a crash leaves at most a stray temporary file
// (swept at the next start).
//
// One limit that S3 does not have: a key cannot be both an object and the
// directory of another ("a" and "a/b"); Put of the second fails.
//
// Presigned URLs point at the server itself (see Handler): a signed,
// expiring ticket in the query takes the place of an S3 signature.
type Local struct {
	root     string
	tmpDir   string
	metaDir  string
	baseURL  *url.URL
	basePath string // BaseURL's path without the trailing slash
	key      []byte // HMAC key for tickets, derived from the secret
	log      *slog.Logger
	putOpen  func(ctx context.Context, key string) (bool, error)

	// locks serialise the two renames of a Put (content type, bytes) with
	// other Puts and Deletes of the same key, so that the bytes of one
	// upload never end up with the content type of another. Keys share
	// locks by hash: the critical sections are two renames long.
	locks [64]sync.Mutex
}

func (l *Local) lock(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	m := &l.locks[h.Sum32()%uint32(len(l.locks))]
	m.Lock()
	return m.Unlock
}

var _ Store = (*Local)(nil)

// staleTemp is how old a temporary file must be before NewLocal removes it:
// old enough that no upload still writes to it, even one from another
// process that shares the root by mistake.
const staleTemp = 24 * time.Hour

// NewLocal opens (creating if needed) a local store. It fails if the root
// cannot be created, BaseURL is not an absolute http(s) URL without query,
// or the secret is shorter than 32 bytes.
func NewLocal(cfg LocalConfig) (*Local, error) {
	if cfg.Root == "" {
		return nil, errors.New("local storage: root directory is required")
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("local storage: secret must be at least 32 bytes")
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("local storage: base URL %q: want an absolute http(s) URL without query", cfg.BaseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, fmt.Errorf("local storage: %w", err)
	}
	l := &Local{
		root:     root,
		tmpDir:   filepath.Join(root, ".tmp"),
		metaDir:  filepath.Join(root, ".meta"),
		baseURL:  u,
		basePath: u.Path,
		log:      cfg.Logger,
		putOpen:  cfg.PutOpen,
	}
	if l.log == nil {
		l.log = slog.Default()
	}
	mac := hmac.New(sha256.New, cfg.Secret)
	mac.Write([]byte("samenspel storage ticket v1"))
	l.key = mac.Sum(nil)
	for _, dir := range []string{l.root, l.tmpDir, l.metaDir} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("local storage: %w", err)
		}
	}
	l.sweepTemp(time.Now().Add(-staleTemp))
	return l, nil
}

// sweepTemp removes temporary files older than before, left by a crash.
// Failing to remove one is harmless, so errors are ignored.
func (l *Local) sweepTemp(before time.Time) {
	entries, _ := os.ReadDir(l.tmpDir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && info.ModTime().Before(before) {
			os.Remove(filepath.Join(l.tmpDir, e.Name()))
		}
	}
}

func (l *Local) path(key string) string { return filepath.Join(l.root, filepath.FromSlash(key)) }

// metaPath is where key's content type is kept: the key's path under
// .meta, with a dot before its last segment. Key segments never start with
// a dot, so that file can never clash with the directory of another key's
// content type ("a" and "a/b"), which a suffix such as ".json" could ("a"
// and "a.json/b").
func (l *Local) metaPath(key string) string {
	dir, name := path.Split(key)
	return filepath.Join(l.metaDir, filepath.FromSlash(dir), "."+name)
}

type localMeta struct {
	ContentType string `json:"content_type"`
}

// Errors of write besides ErrTooLarge; the handler maps them to 400.
var (
	errShortBody = errors.New("body is shorter than announced")
	errDigest    = errors.New("body does not match the announced sha256")
	errBodyRead  = errors.New("reading the body failed")
)

// readErr marks errors of the source reader, so that write can tell a
// client that went away (its fault) from a full disk (ours).
type readErr struct{ r io.Reader }

func (e readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, ErrTooLarge) && !errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: %w", errBodyRead, err)
	}
	return n, err
}

// capReader fails with ErrTooLarge once more than max bytes went through.
type capReader struct {
	r    io.Reader
	left int64
}

func (c *capReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return 0, ErrTooLarge
	}
	return n, err
}

// write streams r to a temporary file, checks it and moves it to key. size
// is the exact length (or -1 if unknown, then at most max bytes if max >
// 0); sum, if set, the hex SHA-256 the bytes must have. It never holds more
// than a copy buffer in memory. Nothing is kept unless every check passes.
func (l *Local) write(ctx context.Context, key string, r io.Reader, size, max int64, sum, contentType string) (err error) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	tmp, err := os.CreateTemp(l.tmpDir, "put-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	var src io.Reader = ctxReader{ctx, readErr{r}}
	var exact *exactReader
	switch {
	case size >= 0:
		exact = newExactReader(src, size)
		src = exact
	case max > 0:
		src = &capReader{r: src, left: max}
	}
	h := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, h), src); err != nil {
		if exact != nil && exact.short {
			return errShortBody
		}
		return err
	}
	if sum != "" && hex.EncodeToString(h.Sum(nil)) != sum {
		return errDigest
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// The content type goes first: if the rename of the bytes fails or the
	// process dies in between, a stray .meta file describes nothing, rather
	// than bytes existing without a content type.
	defer l.lock(key)()
	dst := l.path(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return conflictErr(key, err)
	}
	if err := l.writeMeta(key, localMeta{ContentType: contentType}); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return conflictErr(key, err)
	}
	syncDir(filepath.Dir(dst))
	return nil
}

// conflictErr explains the one layout clash the file system has and S3 has
// not: an object where a directory must go, or the reverse.
func conflictErr(key string, err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) {
		return fmt.Errorf("key %q: %w: a key cannot be both an object and a directory of other objects on local storage", key, ErrInvalidKey)
	}
	return err
}

func (l *Local) writeMeta(key string, m localMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(l.tmpDir, "meta-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	dst := l.metaPath(key)
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		os.Remove(tmp.Name())
		return conflictErr(key, err)
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		os.Remove(tmp.Name())
		return conflictErr(key, err)
	}
	return nil
}

// syncDir makes a rename durable. Some file systems cannot sync a
// directory; the rename has happened anyway, so errors are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

func (l *Local) contentType(key string) string {
	var m localMeta
	if b, err := os.ReadFile(l.metaPath(key)); err == nil && json.Unmarshal(b, &m) == nil && m.ContentType != "" {
		return m.ContentType
	}
	return "application/octet-stream"
}

// notFound reports whether err means there is no object at a path:
// missing, or a parent that is a file.
func notFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("put %s: size must be known", key)
	}
	if err := l.write(ctx, key, r, size, 0, "", contentType); err != nil {
		if errors.Is(err, errShortBody) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("put %s: %w", key, err)
	}
	return nil
}

// Stat implements Store.
func (l *Local) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	fi, err := os.Stat(l.path(key))
	if err == nil && fi.IsDir() {
		err = fs.ErrNotExist // a directory of other objects, not an object
	}
	if notFound(err) {
		return Info{}, fmt.Errorf("stat %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	return Info{Key: key, Size: fi.Size(), ContentType: l.contentType(key), ModTime: fi.ModTime()}, nil
}

// Open implements Store. The reader is an *os.File, which also seeks.
func (l *Local) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, err
	}
	f, info, err := l.open(key)
	if err != nil {
		return nil, Info{}, fmt.Errorf("open %s: %w", key, err)
	}
	return f, info, nil
}

func (l *Local) open(key string) (*os.File, Info, error) {
	f, err := os.Open(l.path(key))
	if notFound(err) {
		return nil, Info{}, ErrNotFound
	}
	if err != nil {
		return nil, Info{}, err
	}
	fi, err := f.Stat()
	if err == nil && fi.IsDir() {
		err = ErrNotFound
	}
	if err != nil {
		f.Close()
		return nil, Info{}, err
	}
	return f, Info{Key: key, Size: fi.Size(), ContentType: l.contentType(key), ModTime: fi.ModTime()}, nil
}

// Delete implements Store. Directories emptied by it stay; they cost
// nothing and removing them would race with a Put into the same directory.
func (l *Local) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	defer l.lock(key)()
	p := l.path(key)
	fi, err := os.Lstat(p)
	if notFound(err) || (err == nil && fi.IsDir()) {
		return nil
	}
	if err == nil {
		err = os.Remove(p)
	}
	if err != nil && !notFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := os.Remove(l.metaPath(key)); err != nil && !notFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// List implements Store. It walks only the directory the prefix names and
// the subdirectories that can still match; ContentType is left empty, as
// on S3.
func (l *Local) List(ctx context.Context, prefix string, fn func(Info) error) error {
	dir, err := validatePrefix(prefix)
	if err != nil {
		return err
	}
	start := l.root
	if dir != "" {
		start = l.path(dir)
	}
	err = filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && notFound(err) {
				return fs.SkipAll // nothing under this prefix
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p == l.root {
			return nil
		}
		if strings.HasPrefix(d.Name(), ".") { // .tmp, .meta: never a key
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(l.root, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if d.IsDir() {
			if !strings.HasPrefix(key+"/", prefix) && !strings.HasPrefix(prefix, key+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(key, prefix) {
			return nil
		}
		fi, err := d.Info()
		if notFound(err) {
			return nil // deleted while we walked
		}
		if err != nil {
			return err
		}
		if err := fn(Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
			return &fnErr{err}
		}
		return nil
	})
	var fe *fnErr
	if errors.As(err, &fe) {
		return fe.err
	}
	if err != nil {
		return fmt.Errorf("list %s: %w", prefix, err)
	}
	return nil
}

// fnErr carries an error of List's callback through filepath.WalkDir, so
// that List returns it as it was, without the context it adds to its own.
type fnErr struct{ err error }

func (e *fnErr) Error() string { return e.err.Error() }
