package audit_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/audit"
)

// impersonate asks PocketBase, as superuser su, for a token of the
// account, through its own endpoint; duration 0 is the collection's.
func (e *env) impersonate(su, account *core.Record, duration int) string {
	e.t.Helper()
	r := e.do("POST", "/api/collections/"+account.Collection().Name+"/impersonate/"+account.Id, e.token(su), map[string]any{"duration": duration})
	var out struct{ Token string }
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil || out.Token == "" {
		e.t.Fatalf("impersonate %s: %d %s", account.Id, r.status, r.body)
	}
	return out.Token
}

func (e *env) superuser(email string) *core.Record {
	return e.save(core.CollectionNameSuperusers, map[string]any{"email": email, "password": "een-lang-wachtwoord"})
}

// A superuser who impersonates a begeleider and lists a client's goals
// is logged as themselves, on behalf of the begeleider; the begeleider's
// own login is logged as theirs, with no one on whose behalf.
func TestImpersonatedStaffIsTheSuperuser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	su := e.superuser("beheer@example.nl")
	tok := e.impersonate(su, w.BegA, 0)
	e.mustOK(e.do("GET", "/api/collections/goals/records?filter="+url.QueryEscape("client='"+w.ClientA.Id+"'"), tok, nil), "goals as BegA")
	e.mustOK(e.do("GET", "/api/collections/goals/records/"+w.GoalA.Id, "Bearer "+tok, nil), "a goal as BegA, with Bearer")

	got := e.by(su)
	search := find(t, got, w.ClientA.Id, accesslog.ActionSearch)
	want := accesslog.Entry{Person: su.Id, PersonCollection: core.CollectionNameSuperusers, Role: "superuser", PersonName: "beheer@example.nl",
		OnBehalfOf: "users:" + w.BegA.Id, Path: accesslog.PathREST}
	if search.Person != want.Person || search.PersonCollection != want.PersonCollection || search.Role != want.Role ||
		search.PersonName != want.PersonName || search.OnBehalfOf != want.OnBehalfOf || search.Path != want.Path || search.Collections != "goals" {
		t.Fatalf("entry %+v, want %+v", search, want)
	}
	if read := find(t, got, w.ClientA.Id, accesslog.ActionRead); read.OnBehalfOf != want.OnBehalfOf {
		t.Fatalf("read entry %+v", read)
	}
	if n := len(e.by(w.BegA)); n != 0 {
		t.Fatalf("%d entries name the begeleider as the person; she did not look", n)
	}

	// Her own login, through PocketBase's password and code.
	own := servertest.LogIn(t, e.url, schema.Users, w.BegA.Email(), servertest.Password)
	e.mustOK(e.do("GET", "/api/collections/goals/records/"+w.GoalA.Id, own, nil), "a goal as herself")
	if en := find(t, e.by(w.BegA), w.ClientA.Id, accesslog.ActionRead); en.OnBehalfOf != "" || en.Role != schema.RoleBegeleider || en.PersonName != "Anouk" {
		t.Fatalf("her own read %+v", en)
	}

	// The coordinator's page names the account the superuser used.
	r := e.do("GET", audit.EntriesPath+"?"+url.Values{"person": {su.Id}}.Encode(), e.token(w.Coord), nil)
	var page audit.Page
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	if got := page.Accounts["users:"+w.BegA.Id]; got != "Anouk (begeleider)" {
		t.Fatalf("accounts %v", page.Accounts)
	}

	// The client is told that a beheerder looked, with Anouk's account.
	items := whoLooked(t, e, w.ClientA)
	if !anyText(items, "Een beheerder zocht in op ", " je doelen, via de website, met het account van Anouk (begeleider).") {
		t.Fatalf("the client's view: %+v", items)
	}

	// The link is kept in data.db as the token's hash, never the token.
	var hashes []string
	if err := e.app.DB().NewQuery("SELECT token_hash FROM " + schema.Impersonations).Column(&hashes); err != nil {
		t.Fatal(err)
	}
	if len(hashes) != 1 || len(hashes[0]) != 64 || strings.Contains(tok, hashes[0]) {
		t.Fatalf("links %v", hashes)
	}
}

// Impersonating a client is logged for the client (they can read
// everything of theirs from then on), and so is reading /me/ with it; the
// client sees an administrator log in with their account.
func TestImpersonatedClientIsTheSuperuser(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	su := e.superuser("beheer@example.nl")
	tok := e.impersonate(su, w.ClientA, 0)
	e.mustOK(e.do("GET", "/api/me/v1/overview", tok, nil), "overview as the client")

	got := e.by(su)
	imp := find(t, got, w.ClientA.Id, audit.ActionImpersonate)
	if imp.OnBehalfOf != "clients:"+w.ClientA.Id || imp.Path != accesslog.PathDashboard || imp.Role != "superuser" || imp.Collections != schema.Clients {
		t.Fatalf("impersonation entry %+v", imp)
	}
	read := find(t, got, w.ClientA.Id, accesslog.ActionRead)
	if read.OnBehalfOf != "clients:"+w.ClientA.Id || read.Path != accesslog.PathMe || read.PersonCollection != core.CollectionNameSuperusers {
		t.Fatalf("overview entry %+v", read)
	}
	if n := len(e.by(w.ClientA)); n != 0 {
		t.Fatalf("%d entries name the client as the person", n)
	}

	items := whoLooked(t, e, w.ClientA)
	if !anyText(items, "Een beheerder logde op ", " in met jouw account, via het beheerscherm.") ||
		!anyText(items, "Een beheerder bekeek op ", " al je gegevens, via je eigen pagina, met jouw account.") {
		t.Fatalf("the client's view: %+v", items)
	}
	for _, it := range items {
		if (it.Role == "beheerder" && it.Name != "") || strings.Contains(it.Text, "beheer@example.nl") {
			t.Fatalf("the client is shown the superuser's address: %+v", it)
		}
	}
}

// A token that does not verify gets no link and no access; an expired
// impersonation token neither; a static token no superuser was recorded
// for is logged as a superuser of unknown id, never as the account.
func TestImpersonationLinkNeedsTheToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.w
	su := e.superuser("beheer@example.nl")
	goal := "/api/collections/goals/records/" + w.GoalA.Id

	tok := e.impersonate(su, w.BegA, 0)
	forged := tok[:strings.LastIndex(tok, ".")+1] + "AAAA" + tok[strings.LastIndex(tok, ".")+5:]
	if r := e.do("GET", goal, forged, nil); r.status != http.StatusNotFound {
		t.Fatalf("forged token: %d %s", r.status, r.body)
	}
	short := e.impersonate(su, w.BegA, 1)
	time.Sleep(2100 * time.Millisecond)
	if r := e.do("GET", goal, short, nil); r.status != http.StatusNotFound {
		t.Fatalf("expired token: %d %s", r.status, r.body)
	}
	if got := e.by(su); len(got) != 0 {
		t.Fatalf("entries by the superuser without a valid token: %+v", got)
	}

	// Made without PocketBase's endpoint, so without a link.
	unlinked, err := w.BegA.NewStaticAuthToken(time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	e.mustOK(e.do("GET", goal, unlinked, nil), "goal with an unlinked static token")
	all := e.entries(url.Values{"client": {w.ClientA.Id}})
	var en *accesslog.Entry
	for i := range all {
		if all[i].OnBehalfOf == "users:"+w.BegA.Id {
			en = &all[i]
		}
	}
	if en == nil || en.Person != "" || en.Role != "superuser" || en.PersonCollection != core.CollectionNameSuperusers {
		t.Fatalf("unlinked static token: %+v in %+v", en, all)
	}
	if n := len(e.by(w.BegA)); n != 0 {
		t.Fatalf("%d entries name the begeleider", n)
	}
}

func whoLooked(t *testing.T, e *env, client *core.Record) []audit.Access {
	t.Helper()
	r := e.do("GET", audit.MeAccess, e.token(client), nil)
	e.mustOK(r, "who looked")
	var page audit.AccessPage
	if err := json.Unmarshal(r.body, &page); err != nil {
		t.Fatal(err)
	}
	return page.Items
}

func anyText(items []audit.Access, prefix, suffix string) bool {
	for _, it := range items {
		if strings.HasPrefix(it.Text, prefix) && strings.HasSuffix(it.Text, suffix) {
			return true
		}
	}
	return false
}
