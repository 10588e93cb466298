package storage

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"
)

// S3Config says where an S3-compatible bucket is and how to reach it. The
// server fills it from its flags (server.StorageConfig).
type S3Config struct {
	Endpoint  string // host[:port], without scheme
	Bucket    string // created at start if missing
	AccessKey string
	SecretKey string
	Region    string // defaults to us-east-1; set it, or presigning asks the bucket's location over the network
	PathStyle bool   // http://host/bucket/key (MinIO, versitygw, Garage) instead of http://bucket.host/key (AWS)
	TLS       bool
	Prefix    string // every key is stored under Prefix + "/"; lets several deployments share a bucket

	// Transport, if set, carries every request, e.g. to trust a private
	// certificate authority. Nil means minio-go's default transport.
	Transport http.RoundTripper
}

// S3 is a Store in an S3-compatible bucket, through minio-go. It is the only
// file in the project that imports minio-go: minio errors stop here and
// leave as the errors of this package.
//
// Phones upload with presigned PUT URLs (SigV4 query signatures) and the
// bytes never pass through the server.
type S3 struct {
	client *minio.Client
	bucket string
	prefix string
}

var _ Store = (*S3)(nil)

// NewS3 connects to the bucket in cfg and creates it if it does not exist,
// so that a wrong endpoint, wrong credentials or a missing permission stop
// the server at start instead of failing the first photo upload. The error
// says which of these it was.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("s3: endpoint and bucket are required")
	}
	if err := s3utils.CheckValidBucketNameStrict(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("s3 bucket %q: invalid name: %w", cfg.Bucket, err)
	}
	if strings.Contains(cfg.Endpoint, "://") {
		return nil, fmt.Errorf("s3: endpoint %q: give host[:port] without scheme", cfg.Endpoint)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		if err := validatePath(prefix); err != nil {
			return nil, fmt.Errorf("s3: prefix %q: %w", cfg.Prefix, err)
		}
		prefix += "/"
	}
	lookup := minio.BucketLookupDNS
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       cfg.TLS,
		Region:       cfg.Region,
		BucketLookup: lookup,
		Transport:    cfg.Transport, // nil: minio-go's default
	})
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	s := &S3{client: client, bucket: cfg.Bucket, prefix: prefix}
	if err := s.ensureBucket(ctx, cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket checks that the bucket exists, creating it if not. Some
// servers (versitygw) answer 404 rather than 403 to an unknown access key,
// which BucketExists reports as a missing bucket; MakeBucket then fails with
// the real reason.
func (s *S3) ensureBucket(ctx context.Context, cfg S3Config) error {
	scheme := "http"
	if cfg.TLS {
		scheme = "https"
	}
	where := fmt.Sprintf("s3 bucket %q at %s://%s", cfg.Bucket, scheme, cfg.Endpoint)
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err == nil && ok {
		return nil
	}
	if err == nil {
		err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: cfg.Region})
		if err == nil {
			return nil
		}
		switch errorCode(err) {
		case "BucketAlreadyOwnedByYou":
			return nil // created concurrently, by another instance
		case "BucketAlreadyExists":
			return fmt.Errorf("s3 bucket %q: the name is taken by another account (bucket names are global on AWS): %w", cfg.Bucket, err)
		}
	}
	var resp minio.ErrorResponse
	switch {
	case !errors.As(err, &resp):
		return fmt.Errorf("%s: cannot reach the endpoint (check endpoint, TLS setting and network): %w", where, err)
	case isCredentialError(resp.Code):
		return fmt.Errorf("%s: credentials refused (check access key and secret key): %w", where, err)
	default:
		return fmt.Errorf("%s: cannot check or create the bucket: %s: %w", where, resp.Code, err)
	}
}

func isCredentialError(code string) bool {
	switch code {
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "XAdminUserNotFound", "InvalidToken", "ExpiredToken":
		return true
	}
	return false
}

func errorCode(err error) string {
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return resp.Code
	}
	return ""
}

// translate turns a minio error into this package's: missing objects and
// buckets become ErrNotFound, oversized bodies ErrTooLarge; anything else
// keeps its S3 code and message in the text only.
func translate(op, key string, err error) error {
	switch errorCode(err) {
	case "NoSuchKey", "NoSuchBucket", "NotFound", "NoSuchVersion":
		return fmt.Errorf("%s %s: %w", op, key, ErrNotFound)
	case "EntityTooLarge":
		return fmt.Errorf("%s %s: %w", op, key, ErrTooLarge)
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		return fmt.Errorf("s3 %s %s: %s: %s", op, key, resp.Code, resp.Message)
	}
	return fmt.Errorf("s3 %s %s: %w", op, key, err)
}

func (s *S3) info(key string, o minio.ObjectInfo) Info {
	return Info{Key: key, Size: o.Size, ContentType: o.ContentType, ModTime: o.LastModified}
}

// Put implements Store. It sends one streaming PUT with multipart uploads
// disabled, so memory stays small whatever the size (S3 allows 5 GiB in
// one PUT; photos are at most 20 MiB).
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	if size < 0 {
		return fmt.Errorf("put %s: size must be known", key)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	er := newExactReader(r, size)
	if size == 0 {
		// minio never reads an empty body, so check here that r is empty.
		if _, err := er.Read(make([]byte, 1)); err != io.EOF {
			if er.tooLarge {
				return fmt.Errorf("put %s: body is not %d bytes: %w", key, size, ErrTooLarge)
			}
			return fmt.Errorf("put %s: %w", key, err)
		}
	}
	_, err := s.client.PutObject(ctx, s.bucket, s.prefix+key, er, size, minio.PutObjectOptions{
		ContentType:      contentType,
		DisableMultipart: true,
	})
	if serr := er.err(); serr != nil {
		return fmt.Errorf("put %s: body is not %d bytes: %w", key, size, serr)
	}
	if err != nil {
		return translate("put", key, err)
	}
	return nil
}

// Stat implements Store.
func (s *S3) Stat(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	o, err := s.client.StatObject(ctx, s.bucket, s.prefix+key, minio.StatObjectOptions{})
	if err != nil {
		return Info{}, translate("stat", key, err)
	}
	return s.info(key, o), nil
}

// Open implements Store. The object is fetched with one GET whose answer
// gives both the description and the body.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, Info, error) {
	if err := ValidateKey(key); err != nil {
		return nil, Info{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, s.prefix+key, minio.GetObjectOptions{})
	if err != nil {
		return nil, Info{}, translate("open", key, err)
	}
	o, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, Info{}, translate("open", key, err)
	}
	return obj, s.info(key, o), nil
}

// Delete implements Store.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := ValidateKey(key); err != nil {
		return err
	}
	err := s.client.RemoveObject(ctx, s.bucket, s.prefix+key, minio.RemoveObjectOptions{})
	if err != nil && errorCode(err) != "NoSuchKey" {
		return translate("delete", key, err)
	}
	return nil
}

// List implements Store.
func (s *S3) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if _, err := validatePrefix(prefix); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio's listing goroutine when fn stops early
	for o := range s.client.ListObjectsIter(ctx, s.bucket, minio.ListObjectsOptions{Prefix: s.prefix + prefix, Recursive: true}) {
		if o.Err != nil {
			return translate("list", prefix, o.Err)
		}
		key := strings.TrimPrefix(o.Key, s.prefix)
		if err := fn(s.info(key, o)); err != nil {
			return err
		}
	}
	return ctx.Err()
}

// PresignPut implements Store. Size, ContentType and SHA256 become signed
// headers (Content-Length, Content-Type, x-amz-checksum-sha256): S3 refuses
// an upload whose headers differ (403 SignatureDoesNotMatch) and one whose
// body does not hash to the signed checksum (400 BadDigest). MaxSize alone
// is not enforced, see PutPolicy.
func (s *S3) PresignPut(ctx context.Context, key string, p PutPolicy) (Request, error) {
	if err := checkPolicy(key, p); err != nil {
		return Request{}, err
	}
	h := http.Header{}
	if p.ContentType != "" {
		h.Set("Content-Type", p.ContentType)
	}
	if p.Size > 0 {
		h.Set("Content-Length", strconv.FormatInt(p.Size, 10))
	}
	if p.SHA256 != "" {
		sum, _ := hex.DecodeString(p.SHA256) // checked by checkPolicy
		h.Set("X-Amz-Checksum-Sha256", base64.StdEncoding.EncodeToString(sum))
	}
	now := time.Now()
	u, err := s.client.PresignHeader(ctx, http.MethodPut, s.bucket, s.prefix+key, p.Expires, nil, h)
	if err != nil {
		return Request{}, translate("presign put", key, err)
	}
	headers := make(map[string]string, len(h))
	for k := range h {
		headers[k] = h.Get(k)
	}
	return Request{Method: http.MethodPut, URL: u.String(), Headers: headers, ExpiresAt: expiresAt(now, p.Expires)}, nil
}

// PresignGet implements Store.
func (s *S3) PresignGet(ctx context.Context, key string, expires time.Duration) (Request, error) {
	if err := ValidateKey(key); err != nil {
		return Request{}, err
	}
	if err := checkExpires(expires); err != nil {
		return Request{}, err
	}
	now := time.Now()
	u, err := s.client.PresignedGetObject(ctx, s.bucket, s.prefix+key, expires, nil)
	if err != nil {
		return Request{}, translate("presign get", key, err)
	}
	return Request{Method: http.MethodGet, URL: u.String(), Headers: map[string]string{}, ExpiresAt: expiresAt(now, expires)}, nil
}
