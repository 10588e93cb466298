package storage

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateKey(t *testing.T) {
	for _, key := range []string{"a", "media/team/abc.jpg", "photo één.jpg", "a b/c-d_e.f", "x..y", "a/b.", strings.Repeat("k", MaxKeyLen)} {
		if err := ValidateKey(key); err != nil {
			t.Errorf("ValidateKey(%q) = %v, want nil", key, err)
		}
	}
	for _, key := range []string{"", "/a", "a/", "a//b", "..", "../a", "a/..", "a/./b", ".a", "a/.b", `a\b`, "a\nb", "a\x7fb", "\xc3", strings.Repeat("k", MaxKeyLen+1)} {
		if err := ValidateKey(key); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("ValidateKey(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestValidatePrefix(t *testing.T) {
	for _, tt := range []struct{ prefix, dir string }{
		{"", ""},
		{"a", ""},
		{".partial", ""}, // matches nothing, harmless
		{"a/", "a"},
		{"a/b", "a"},
		{"a/b/", "a/b"},
		{"a/.b", "a"},
	} {
		dir, err := validatePrefix(tt.prefix)
		if err != nil {
			t.Errorf("validatePrefix(%q): %v", tt.prefix, err)
		}
		if dir != tt.dir {
			t.Errorf("validatePrefix(%q) dir=%q, want %q", tt.prefix, dir, tt.dir)
		}
	}
	for _, prefix := range []string{"/", "/a", "a//", "../", "a/../", ".meta/", "a\x00"} {
		if _, err := validatePrefix(prefix); !errors.Is(err, ErrInvalidKey) {
			t.Errorf("validatePrefix(%q) = %v, want ErrInvalidKey", prefix, err)
		}
	}
}
