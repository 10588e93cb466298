// Package storagetest tests storage.Store implementations.
//
// Run is the conformance suite: round trips, missing keys, invalid keys,
// listing, and presigned requests performed with plain net/http, both the
// ones that must work and the ones that must be refused (expired,
// tampered, made for another key or method, or breaking their PutPolicy).
// Every Store runs it, so that the server cannot tell the local store
// from S3.
//
// StartVersityGW runs a real S3-compatible server for tests: versitygw,
// pinned to one version, installed on first use into a tools directory
// with go install and shared by the tests of one test binary. It checks
// SigV4 signatures, signed headers and checksums, and presign expiry as
// AWS does, which is what the presign tests are about; a fake that skips
// those checks would let every refusal test pass for the wrong reason.
// If it cannot be installed or started, the test fails rather than skips.
package storagetest
