package demo_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server/demo"
)

// MustFill fills a fresh test app with the demo organisation.
func MustFill(tb testing.TB, seed int64) (*tests.TestApp, *demo.Summary, string) {
	tb.Helper()
	app := servertest.NewApp(tb, nil)
	var out bytes.Buffer
	sum, err := demo.Fill(app, &out, seed)
	if err != nil {
		tb.Fatalf("fill: %v", err)
	}
	return app, sum, out.String()
}

// MustRecords lists every record of a collection.
func MustRecords(tb testing.TB, app core.App, collection string) []*core.Record {
	tb.Helper()
	rs, err := app.FindAllRecords(collection)
	if err != nil {
		tb.Fatalf("records of %s: %v", collection, err)
	}
	return rs
}

func feedRows(tb testing.TB, app core.App) int {
	tb.Helper()
	var n int
	if err := app.DB().NewQuery("SELECT count(*) FROM sync_feed").Row(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func countBy(rs []*core.Record, field string) map[string]int {
	out := map[string]int{}
	for _, r := range rs {
		out[r.GetString(field)]++
	}
	return out
}

func inRange(t *testing.T, what string, got, lo, hi int) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s=%d, want %d..%d", what, got, lo, hi)
	}
}

func TestFillOrganisation(t *testing.T) {
	t.Parallel()
	app, sum, out := MustFill(t, 1)

	teams := MustRecords(t, app, schema.Teams)
	if got, want := len(teams), 3; got != want {
		t.Fatalf("teams=%d, want %d", got, want)
	}
	clients := MustRecords(t, app, schema.Clients)
	inRange(t, "clients", len(clients), 27, 33)
	perTeam := countBy(clients, schema.FieldTeam)
	for _, team := range teams {
		inRange(t, "clients of "+team.GetString("name"), perTeam[team.Id], 9, 11)
	}

	roles := map[string][]*core.Record{}
	for _, u := range MustRecords(t, app, schema.Users) {
		roles[u.GetString(schema.FieldRole)] = append(roles[u.GetString(schema.FieldRole)], u)
	}
	if got, want := len(roles[schema.RoleCoordinator]), 1; got != want {
		t.Errorf("coordinators=%d, want %d", got, want)
	}
	if got, want := len(roles[schema.RoleTeamadviseur]), 2; got != want {
		t.Errorf("teamadviseurs=%d, want %d", got, want)
	}
	if got, want := len(roles[schema.RoleTeamadviseur][0].GetStringSlice(schema.FieldAdvises)), 3; got != want {
		t.Errorf("first teamadviseur advises %d teams, want %d", got, want)
	}
	for _, team := range teams {
		n := 0
		for _, b := range roles[schema.RoleBegeleider] {
			if slices.Contains(b.GetStringSlice(schema.FieldTeams), team.Id) {
				n++
			}
		}
		inRange(t, "begeleiders of "+team.GetString("name"), n, 3, 5)
	}

	// Every client has a plan and a network.
	goals := MustRecords(t, app, schema.Goals)
	contacts := MustRecords(t, app, schema.NetworkContacts)
	goalsOf, contactsOf := countBy(goals, schema.FieldClient), countBy(contacts, schema.FieldClient)
	for _, c := range clients {
		inRange(t, "goals of "+c.GetString("name"), goalsOf[c.Id], 1, 3)
		inRange(t, "contacts of "+c.GetString("name"), contactsOf[c.Id], 4, 8)
	}
	steps := MustRecords(t, app, schema.GoalSteps)
	stepsOf := countBy(steps, schema.FieldGoal)
	for _, g := range goals {
		inRange(t, "steps of "+g.GetString("title"), stepsOf[g.Id], 2, 5)
	}

	// Zorgen dát: all four carriers occur, most steps are the client's or
	// the network's, and a network step names someone from the network.
	carried := countBy(steps, "carried_by")
	for _, kind := range []string{"client", "network", "begeleider", "other_professional"} {
		if carried[kind] == 0 {
			t.Errorf("no step carried by %s: %v", kind, carried)
		}
	}
	if got := carried["client"] + carried["network"]; got*3 < len(steps)*2 {
		t.Errorf("client+network steps=%d of %d, want at least two thirds", got, len(steps))
	}
	for _, s := range steps {
		if s.GetString("carried_by") == "network" && s.GetString("contact") == "" {
			t.Errorf("network step %q has no contact", s.GetString("description"))
		}
		if strings.ContainsAny(s.GetString("description"), "{}") {
			t.Errorf("step with a placeholder left: %q", s.GetString("description"))
		}
	}

	// Third parties: details only with consent; dormant and wished occur.
	status := countBy(contacts, "status")
	for _, s := range []string{"active", "dormant", "wished"} {
		if status[s] == 0 {
			t.Errorf("no %s contact: %v", s, status)
		}
	}
	phones := 0
	for _, c := range contacts {
		if c.GetString("phone") != "" {
			phones++
		}
		if !c.GetBool(schema.FieldInvolveConsent) && (c.GetString("phone") != "" || c.GetString("email") != "") {
			t.Errorf("contact %q has details without consent", c.GetString("name"))
		}
	}
	if phones == 0 {
		t.Errorf("no contact has a phone number")
	}

	// Safaris: 4-6 a team, every one with questions; done ones reflected.
	safaris := MustRecords(t, app, schema.Safaris)
	for team, n := range countBy(safaris, schema.FieldTeam) {
		inRange(t, "safaris of team "+team, n, 4, 6)
	}
	for _, s := range safaris {
		var qs []string
		if err := json.Unmarshal([]byte(s.GetString("questions")), &qs); err != nil || len(qs) < 3 {
			t.Errorf("safari %q questions=%q (%v), want at least 3", s.GetString("title"), s.GetString("questions"), err)
		}
		if done := s.GetString("status") == "done"; done != (s.GetString("reflection") != "") {
			t.Errorf("safari %q status=%s reflection=%q", s.GetString("title"), s.GetString("status"), s.GetString("reflection"))
		}
		if len(s.GetStringSlice(schema.FieldClients)) == 0 || len(s.GetStringSlice("begeleiders")) == 0 {
			t.Errorf("safari %q without participants or begeleiders", s.GetString("title"))
		}
	}

	obs := MustRecords(t, app, schema.Observations)
	kinds := countBy(obs, "kind")
	for _, k := range []string{"place", "meeting_place", "facility", "initiative", "key_person", "barrier", "opportunity", "other"} {
		if kinds[k] == 0 {
			t.Errorf("no observation of kind %s: %v", k, kinds)
		}
	}
	thresholds := countBy(obs, "threshold")
	byClient, located := 0, 0
	for _, o := range obs {
		if o.GetString(schema.FieldAuthorClient) != "" {
			byClient++
		}
		if p := o.GetGeoPoint("location"); p.Lat != 0 || p.Lon != 0 {
			located++
		}
	}
	if thresholds["low"] == 0 || thresholds["medium"] == 0 || thresholds["high"] == 0 || byClient == 0 || located == 0 || located == len(obs) {
		t.Errorf("observations: thresholds %v, %d by clients, %d of %d located", thresholds, byClient, located, len(obs))
	}

	feedback := MustRecords(t, app, schema.Feedback)
	if fk := countBy(feedback, "kind"); fk["question"] == 0 || fk["appreciation"] == 0 || fk["suggestion"] == 0 {
		t.Errorf("feedback kinds %v, want all three", fk)
	}

	// Saved through the hooks: version 1 and in the change feed.
	if got, want := goals[0].GetInt(schema.FieldVersion), 1; got != want {
		t.Errorf("goal version=%d, want %d", got, want)
	}
	if feedRows(t, app) < sum.All-sum.Staff {
		t.Errorf("sync_feed has %d rows for %d synced records", feedRows(t, app), sum.All-sum.Staff)
	}

	if got, want := len(sum.Logins), sum.Staff+sum.Clients; got != want {
		t.Errorf("logins=%d, want %d", got, want)
	}
	for _, l := range sum.Logins {
		if !strings.Contains(out, l.Login) {
			t.Errorf("login %s not printed", l.Login)
		}
	}
	if !strings.Contains(out, demo.Password) {
		t.Errorf("password not printed:\n%s", out)
	}
	if !strings.Contains(out, demo.StaffCodeHint) {
		t.Errorf("where the staff login code comes from is not printed:\n%s", out)
	}
}

// TestFillLoginsWork logs in over real HTTP as a printed client and a
// printed begeleider (with the code mail), and checks the client sees exactly their own goals.
func TestFillLoginsWork(t *testing.T) {
	t.Parallel()
	app, sum, _ := MustFill(t, 2)
	srv := servertest.Serve(t, app)

	first := func(role string) demo.Login {
		for _, l := range sum.Logins {
			if l.Role == role {
				return l
			}
		}
		t.Fatalf("no %s login", role)
		return demo.Login{}
	}
	login := func(collection, identity string) (token, id string) {
		body, _ := json.Marshal(map[string]string{"identity": identity, "password": demo.Password})
		res, err := http.Post(srv.URL+"/api/collections/"+collection+"/auth-with-password", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		raw, _ := io.ReadAll(res.Body)
		if got, want := res.StatusCode, http.StatusOK; got != want {
			t.Fatalf("login %s: status=%d, want %d: %s", identity, got, want, raw)
		}
		var auth struct {
			Token  string `json:"token"`
			Record struct {
				ID string `json:"id"`
			} `json:"record"`
		}
		if err := json.Unmarshal(raw, &auth); err != nil || auth.Token == "" {
			t.Fatalf("login %s: %v %s", identity, err, raw)
		}
		return auth.Token, auth.Record.ID
	}

	servertest.LogIn(t, srv.URL, schema.Users, first(schema.RoleBegeleider).Login, demo.Password) // staff: password and code
	token, clientID := login(schema.Clients, first("client").Login)

	req, _ := http.NewRequest("GET", srv.URL+"/api/collections/goals/records?perPage=100", nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var list struct {
		Items []struct {
			Client string `json:"client"`
		} `json:"items"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	own, err := app.FindAllRecords(schema.Goals)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(list.Items), countBy(own, schema.FieldClient)[clientID]; got != want || got == 0 {
		t.Fatalf("client sees %d goals, want their own %d", got, want)
	}
	for _, g := range list.Items {
		if g.Client != clientID {
			t.Fatalf("client sees a goal of %s", g.Client)
		}
	}

	// Every role's printed login has the printed password.
	for _, role := range []string{schema.RoleCoordinator, schema.RoleTeamadviseur} {
		u, err := app.FindAuthRecordByEmail(schema.Users, first(role).Login)
		if err != nil {
			t.Fatalf("%s %s: %v", role, first(role).Login, err)
		}
		if !u.ValidatePassword(demo.Password) {
			t.Errorf("%s %s: password does not match", role, first(role).Login)
		}
	}
}

// TestFillRefusesNonEmpty: a second Fill changes nothing and says why.
func TestFillRefusesNonEmpty(t *testing.T) {
	t.Parallel()
	app, _, _ := MustFill(t, 3)
	before := feedRows(t, app)

	var out bytes.Buffer
	sum, err := demo.Fill(app, &out, 3)
	if !errors.Is(err, demo.ErrNotEmpty) || sum != nil {
		t.Fatalf("second fill: sum=%v err=%v, want ErrNotEmpty", sum, err)
	}
	if got, want := err.Error(), "database already has 3 teams; demo data is only loaded into an empty database — use a fresh --dir"; got != want {
		t.Errorf("error=%q, want %q", got, want)
	}
	if got, want := feedRows(t, app), before; got != want {
		t.Errorf("sync_feed rows=%d, want %d", got, want)
	}
	if got, want := len(MustRecords(t, app, schema.Teams)), 3; got != want {
		t.Errorf("teams=%d, want %d", got, want)
	}
	if out.Len() != 0 {
		t.Errorf("refusal printed %q", out.String())
	}
}

// TestFillRefusesStaffOnly: an installation with staff but no teams yet is
// not empty either.
func TestFillRefusesStaffOnly(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	users, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		t.Fatal(err)
	}
	u := core.NewRecord(users)
	u.Set("email", "echt@example.nl")
	u.Set("name", "Echte Coördinator")
	u.Set("role", schema.RoleCoordinator)
	u.SetPassword("geheim12345")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	_, err = demo.Fill(app, io.Discard, 1)
	if !errors.Is(err, demo.ErrNotEmpty) || !strings.Contains(err.Error(), "1 staff account;") {
		t.Fatalf("err=%v, want a refusal naming 1 staff account", err)
	}
	if got, want := len(MustRecords(t, app, schema.Teams)), 0; got != want {
		t.Errorf("teams=%d, want %d", got, want)
	}
}

// TestFillFailureWritesNothing: a save failing halfway rolls back
// everything before it, change feed included.
func TestFillFailureWritesNothing(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	goals := 0
	app.OnRecordCreate(schema.Goals).BindFunc(func(e *core.RecordEvent) error {
		if goals++; goals == 10 {
			return errors.New("disk full")
		}
		return e.Next()
	})
	var out bytes.Buffer
	_, err := demo.Fill(app, &out, 1)
	if err == nil || !strings.Contains(err.Error(), "disk full") || errors.Is(err, demo.ErrNotEmpty) {
		t.Fatalf("err=%v, want the save failure", err)
	}
	for _, c := range []string{schema.Teams, schema.Users, schema.Clients, schema.Safaris, schema.Goals} {
		if got := len(MustRecords(t, app, c)); got != 0 {
			t.Errorf("%s=%d after a failed fill, want 0", c, got)
		}
	}
	if got := feedRows(t, app); got != 0 {
		t.Errorf("sync_feed rows=%d after a failed fill, want 0", got)
	}
	if out.Len() != 0 {
		t.Errorf("failed fill printed %q", out.String())
	}
}

// TestFillSameSeedSameContent: a seed reproduces the organisation.
func TestFillSameSeedSameContent(t *testing.T) {
	t.Parallel()
	titles := func(app core.App) []string {
		var out []string
		for _, c := range []string{schema.Goals, schema.Safaris} {
			for _, r := range MustRecords(t, app, c) {
				out = append(out, r.GetString("title"))
			}
		}
		slices.Sort(out)
		return out
	}
	a, sumA, _ := MustFill(t, 42)
	b, sumB, _ := MustFill(t, 42)
	if !slices.EqualFunc(sumA.Logins, sumB.Logins, func(x, y demo.Login) bool {
		return x.Login == y.Login && x.Name == y.Name && slices.Equal(x.Teams, y.Teams)
	}) {
		t.Errorf("logins differ for the same seed")
	}
	if got, want := titles(a), titles(b); !slices.Equal(got, want) {
		t.Errorf("titles differ for the same seed")
	}
}
