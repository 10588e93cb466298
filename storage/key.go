package storage

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxKeyLen is the longest key, in bytes: S3's limit.
const MaxKeyLen = 1024

// ValidateKey returns an error wrapping ErrInvalidKey unless key is a
// relative slash-separated path of non-empty segments, none starting with
// a dot, without backslashes or control characters, valid UTF-8 and at most
// MaxKeyLen bytes.
//
// The rules are stricter than S3's on purpose: every valid key is also a
// safe relative file path, so the local store cannot be walked out of its
// root ("../x"), its own dot-files (".tmp", ".meta") cannot be reached, and
// an object moves between backends unchanged.
func ValidateKey(key string) error {
	if err := validatePath(key); err != nil {
		return fmt.Errorf("key %q: %w", key, err)
	}
	return nil
}

// validatePrefix accepts what ValidateKey accepts, plus the empty prefix and
// a prefix ending in a slash or in part of a segment. It returns the
// directory part (everything up to the last slash, without it).
func validatePrefix(prefix string) (dir string, err error) {
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		dir = prefix[:i]
	}
	if dir != "" {
		if err := validatePath(dir); err != nil {
			return "", fmt.Errorf("prefix %q: %w", prefix, err)
		}
	} else if strings.HasPrefix(prefix, "/") {
		return "", fmt.Errorf("prefix %q: %w: starts with a slash", prefix, ErrInvalidKey)
	}
	if err := checkChars(prefix); err != nil {
		return "", fmt.Errorf("prefix %q: %w", prefix, err)
	}
	return dir, nil
}

func validatePath(p string) error {
	if p == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	if len(p) > MaxKeyLen {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidKey, MaxKeyLen)
	}
	if err := checkChars(p); err != nil {
		return err
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" {
			return fmt.Errorf("%w: empty segment", ErrInvalidKey)
		}
		if seg[0] == '.' {
			return fmt.Errorf("%w: segment %q starts with a dot", ErrInvalidKey, seg)
		}
	}
	return nil
}

func checkChars(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidKey)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return fmt.Errorf("%w: character %q not allowed", ErrInvalidKey, r)
		}
	}
	return nil
}
