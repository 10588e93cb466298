// Package storage keeps the bytes of observation photos. The sync feed
// carries only media records (id, sha256, size, content type, status);
// the bytes live here, under keys the media endpoints choose.
//
// # One interface, two stores
//
// Store is small on purpose: Put, Stat, Open, Delete and List for the
// server's own work (checking an upload, writing the cleaned photo back,
// sweeping orphans), and PresignPut and PresignGet for phones. Two
// implementations:
//
//   - S3, in any S3-compatible bucket (AWS, MinIO, Garage, versitygw),
//     through minio-go. s3.go is the only file in the project that imports
//     minio-go; its errors are translated there (NoSuchKey and NoSuchBucket
//     become ErrNotFound), as Litestream's s3 package turns them into
//     os.ErrNotExist.
//   - Local, the embedded default: files under a directory in the data
//     dir, written atomically (temporary file, fsync, rename).
//
// Callers test errors with errors.Is against ErrNotFound, ErrTooLarge and
// ErrInvalidKey, never against a backend's own errors.
//
// # Phones upload straight to storage
//
// The server never proxies photo bytes to S3. For an upload it calls
// PresignPut and gives the phone the resulting Request (method, URL,
// headers, expiry); the phone performs it as it is. On S3 the URL carries
// a SigV4 query signature. On the local store it points at the server's
// own Local.Handler, and a ticket in the query, a short-lived HS256 JWT
// bound to one key and one method, takes the place of the signature.
//
// A PutPolicy binds what the server knows about the upload into the
// signature or ticket: exact size, content type and SHA-256 (both stores
// refuse anything else before storing it), and on the local store also a
// maximum size for uploads of unknown length. A presigned PUT on S3 cannot
// carry a size range (only POST policies can), so there MaxSize without
// Size is not enforced. None of this replaces the check on complete: the
// server reads the object back and compares size and SHA-256 with what
// the phone announced before it marks a photo stored.
//
// # Keys
//
// Keys are slash-separated relative paths (ValidateKey): no empty
// segments, no segment starting with a dot, no backslashes or control
// characters. That is stricter than S3, so that every key is also a safe
// file path on the local store and objects move between stores as they
// are.
//
// # Testing
//
// Package storagetest holds the conformance suite (Run) that both stores
// pass, and StartVersityGW, which runs a real S3-compatible server
// (versitygw, installed on first use with go install) for the S3 tests.
// A new Store implementation is done when storagetest.Run passes.
package storage
