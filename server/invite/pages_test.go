package invite_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/server/invite"
)

var (
	inlineScript  = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	inlineHandler = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
	inlineStyle   = regexp.MustCompile(`(?i)<style|\sstyle\s*=`)
)

// The pages are plain files with a strict content security policy: no
// inline script, style or event handler, nothing from elsewhere.
func TestPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for path, want := range map[string]string{
		"/invite/":              "Kies een wachtwoord",
		"/invite/invite.js":     "/api/invites/v1/",
		"/invite/samenspel.js":  "pocketbase_auth",
		"/invite/samenspel.css": "--accent",
		"/me/":                  "Mijn doelen",
		"/me/me.js":             "/api/me/v1/export",
		"/me/samenspel.js":      "pocketbase_auth",
	} {
		r := e.do("GET", path, "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), want) {
			t.Errorf("GET %s: %d, want 200 with %q", path, r.status, want)
			continue
		}
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP %q, want scripts from self only", path, csp)
		}
		if got := r.header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", path, got)
		}
		if strings.HasSuffix(path, "/") {
			html := string(r.body)
			if inlineScript.MatchString(html) || inlineHandler.MatchString(html) || inlineStyle.MatchString(html) {
				t.Errorf("GET %s: inline script, handler or style in the page", path)
			}
			for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(html, -1) {
				if !strings.Contains(tag, ` src="`) {
					t.Errorf("GET %s: %s has no src", path, tag)
				}
			}
			if !strings.Contains(html, `lang="nl"`) {
				t.Errorf("GET %s: not marked Dutch", path)
			}
		}
	}
	for _, path := range []string{"/invite/nope.js", "/me/invite.js", "/invite/..%2f..%2fgo.mod"} {
		if r := e.do("GET", path, "", nil); r.status != 404 {
			t.Errorf("GET %s: %d, want 404", path, r.status)
		}
	}
}

// The QR code of the create answer and of the qr.svg endpoint both read
// back as the invite link.
func TestQRCodeOfLink(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	inv := e.invite(e.w.BegA, e.w.ClientA)
	got, err := invite.ReadSVG(t, inv.QRSVG)
	if err != nil || got != inv.Link {
		t.Errorf("qr_svg reads %q (%v), want %q", got, err, inv.Link)
	}
	r := e.do("GET", "/api/invites/v1/"+inv.Code+"/qr.svg", "", nil)
	if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("qr.svg: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if got, err := invite.ReadSVG(t, string(r.body)); err != nil || got != inv.Link {
		t.Errorf("qr.svg reads %q (%v), want %q", got, err, inv.Link)
	}
	if !strings.Contains(r.header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("qr.svg CSP %q", r.header.Get("Content-Security-Policy"))
	}
}
