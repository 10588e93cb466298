package audit

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on hosts without a zone database

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Access is one line of GET /api/me/v1/access: who did what with the
// client's data, when and through what, in fields a page can show as
// they are (Text) or put together itself.
type Access struct {
	At     time.Time `json:"at"`
	Name   string    `json:"name"`   // staff only; "" for a superuser
	Role   string    `json:"role"`   // in Dutch: begeleider, coördinator, teamadviseur, beheerder
	Action string    `json:"action"` // read, search, create, update, delete, export
	What   []string  `json:"what"`   // in Dutch: "je doelen", "je netwerk", ...
	Via    string    `json:"via"`    // in Dutch: "de app", "de website", "het beheerscherm"
	// As is, when a beheerder (superuser) acted as someone, whose account
	// they used: "jouw account", "het account van Anouk (begeleider)".
	As   string `json:"as,omitempty"`
	Text string `json:"text"` // the whole line in plain Dutch (B1)
}

// AccessPage is the answer: newest first; pass NextBefore as before for
// the next page (0: this was the last).
type AccessPage struct {
	Items      []Access `json:"items"`
	NextBefore int64    `json:"next_before"`
}

// Dutch words of the page, in one place.
var (
	roleNL = map[string]string{
		schema.RoleBegeleider: "begeleider", schema.RoleCoordinator: "coördinator", schema.RoleTeamadviseur: "teamadviseur",
		"superuser": "beheerder",
	}
	verbNL = map[string]string{
		accesslog.ActionRead: "bekeek", accesslog.ActionSearch: "zocht in", accesslog.ActionCreate: "schreef iets nieuws bij",
		accesslog.ActionUpdate: "veranderde", accesslog.ActionDelete: "haalde iets weg uit", accesslog.ActionExport: "downloadde",
	}
	whatNL = map[string]string{
		schema.Clients: "je gegevens", schema.Goals: "je doelen", schema.GoalSteps: "de stappen van je doelen",
		schema.NetworkContacts: "je netwerk", schema.Safaris: "de wijksafari's waar je aan meedeed",
		schema.Observations: "wat je opschreef op een wijksafari", schema.Media: "je foto's",
		schema.SyncConflicts: "bewaarde oude versies van je teksten", accesslog.CollectionAccessLog: "wie er in je gegevens keek",
		"*": "al je gegevens",
	}
	viaNL = map[string]string{
		accesslog.PathSync: "de app", accesslog.PathREST: "de website", accesslog.PathDashboard: "het beheerscherm",
		accesslog.PathMe: "je eigen pagina", accesslog.PathMedia: "de app", accesslog.PathRealtime: "de website (live)",
	}
	monthsNL = []string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"}
)

var amsterdam = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Amsterdam"); err == nil {
		return l
	}
	return time.UTC
}()

// meAccess answers GET /api/me/v1/access?before=: who read or changed the
// client's data, other than the client themselves, newest first.
func (r *Recorder) meAccess(e *core.RequestEvent) error {
	switch {
	case e.Auth == nil:
		return apierr.Errorf(apierr.CodeUnauthorized, "Log in to see who looked at your data.")
	case e.Auth.IsSuperuser() || e.Auth.Collection().Name != schema.Clients:
		return apierr.Errorf(apierr.CodeForbidden, "This page is for clients, about themselves.")
	}
	f := accesslog.Filter{Client: e.Auth.Id, ExcludePerson: e.Auth.Id, Limit: 50}
	if v := e.Request.URL.Query().Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return apierr.Errorf(apierr.CodeInvalidRequest, "before must be a positive integer.").WithData(map[string]any{"before": "not a positive integer"})
		}
		f.Before = n
	}
	p, err := r.page(e, f)
	if err != nil {
		return err
	}
	out := AccessPage{Items: make([]Access, 0, len(p.Entries)), NextBefore: p.NextBefore}
	for _, en := range p.Entries {
		out.Items = append(out.Items, accessOf(en, time.Now(), accountOf(e.App, en.OnBehalfOf, e.Auth.Id)))
	}
	t := accesslog.NewTouches()
	t.Add(e.Auth.Id, accesslog.ActionRead, accesslog.CollectionAccessLog, len(out.Items))
	r.touched(e, accesslog.PathMe, t)
	e.Response.Header().Set("Cache-Control", "no-store")
	return e.JSON(http.StatusOK, out)
}

// accessOf puts an entry in the client's words: "Anouk (begeleider)
// bekeek op 3 december je doelen en je netwerk, via de app." A superuser
// who acted as someone (as: accountOf) is named as what they are, with
// the account they used: "Een beheerder bekeek op 3 december je doelen,
// via de website, met het account van Anouk (begeleider)." Anouk did
// not look, and the client should not think she did; nor should the
// account go unmentioned, as the client knows Anouk and can ask.
func accessOf(en accesslog.Entry, now time.Time, as string) Access {
	a := Access{At: en.At, Action: en.Action, Role: roleNL[en.Role], Via: viaNL[en.Path], As: as}
	if a.Role == "" {
		a.Role = "iemand"
	}
	if en.PersonCollection == schema.Users {
		a.Name = en.PersonName
	}
	if en.Path == accesslog.PathMedia && en.Device == "" {
		a.Via = "de website"
	}
	cols := strings.Split(en.Collections, ",")
	slices.Sort(cols)
	for _, c := range cols {
		if w, ok := whatNL[c]; ok && !slices.Contains(a.What, w) {
			a.What = append(a.What, w)
		}
	}
	who := "Een " + a.Role
	if a.Name != "" {
		who = a.Name + " (" + a.Role + ")"
	}
	verb := verbNL[en.Action]
	if verb == "" {
		verb = en.Action
	}
	what := joinNL(a.What)
	if en.Action == accesslog.ActionExport {
		what = "een kopie van " + what
	}
	if en.Action == ActionImpersonate {
		// "Een beheerder logde op 3 december in met jouw account, via het beheerscherm."
		a.Text = fmt.Sprintf("%s logde op %s in met %s", who, dateNL(en.At, now), cmp.Or(as, "jouw account"))
		if a.Via != "" {
			a.Text += ", via " + a.Via
		}
		a.Text += "."
		return a
	}
	text := fmt.Sprintf("%s %s op %s %s", who, verb, dateNL(en.At, now), what)
	if a.Via != "" {
		text += ", via " + a.Via
	}
	if as != "" {
		text += ", met " + as
	}
	a.Text = text + "."
	return a
}

// accountOf names, for the client self, the account a superuser used
// (onBehalfOf, "collection:id"; "" when they acted as themselves): their
// own, or a staff member's by the name and role the account has now
// (entries keep only its id). Another client's account is not named.
func accountOf(app core.App, onBehalfOf, self string) string {
	col, id, ok := strings.Cut(onBehalfOf, ":")
	switch {
	case !ok || onBehalfOf == "":
		return ""
	case col == schema.Clients && id == self:
		return "jouw account"
	case col == schema.Clients:
		return "het account van een andere cliënt"
	case col == schema.Users:
		u, err := app.FindRecordById(schema.Users, id)
		if err != nil {
			return "het account van een medewerker"
		}
		return "het account van " + u.GetString(schema.FieldName) + " (" + cmp.Or(roleNL[u.GetString(schema.FieldRole)], "medewerker") + ")"
	}
	return "een ander beheerdersaccount"
}

// dateNL is "3 december", with the year when it is not this year.
func dateNL(t, now time.Time) string {
	t, now = t.In(amsterdam), now.In(amsterdam)
	s := strconv.Itoa(t.Day()) + " " + monthsNL[t.Month()-1]
	if t.Year() != now.Year() {
		s += " " + strconv.Itoa(t.Year())
	}
	return s
}

// joinNL joins "a", "b" and "c" as "a, b en c".
func joinNL(parts []string) string {
	switch len(parts) {
	case 0:
		return "je gegevens"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " en " + parts[len(parts)-1]
}
