package demo

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// people creates the coordinator, the three teams, their begeleiders, the
// teamadviseurs and the clients, and notes every login.
func (b *builder) people() {
	b.coordinator = b.staff(coordinator, schema.RoleCoordinator, nil, nil)
	b.logins = append(b.logins, Login{Role: schema.RoleCoordinator, Name: coordinator.String(), Login: email(coordinator)})

	var teamIDs []string
	for _, spec := range teamSpecs {
		rec := b.save(schema.Teams, b.coordinator, map[string]any{schema.FieldName: spec.name, "area": spec.area})
		b.teams = append(b.teams, &teamData{spec: spec, rec: rec})
		teamIDs = append(teamIDs, rec.Id)
	}

	// Ingrid advises every team; Youssef, newer in the role, one of them.
	second := b.teams[1+b.rnd.IntN(len(b.teams)-1)]
	b.adviser(adviserAll, b.teams...)
	b.adviser(adviserOne, second)

	// 3 to 5 begeleiders a team; one experienced begeleider works in the
	// first two teams, as happens when teams are merged or split.
	names := shuffled(b.rnd, begeleiderNames)
	floater := names[0]
	names = names[1:]
	b.begeleider(floater, b.teams[0], b.teams[1])
	for i, t := range b.teams {
		n := b.between(3, 5)
		if i < 2 {
			n-- // the floater counts in teams 0 and 1
		}
		for range n {
			b.begeleider(names[0], t)
			names = names[1:]
		}
	}

	// About ten clients a team, each logging in with a username.
	clients := shuffled(b.rnd, clientNames)
	for _, t := range b.teams {
		for range b.between(9, 11) {
			name := clients[0]
			clients = clients[1:]
			rec := b.save(schema.Clients, b.coordinator, map[string]any{
				schema.FieldName: name, schema.FieldTeam: t.rec.Id, "username": username(name),
			})
			t.clients = append(t.clients, &clientData{rec: rec})
			b.logins = append(b.logins, Login{Role: "client", Name: name, Login: username(name), Teams: []string{t.spec.name}})
		}
	}
}

func (b *builder) staff(p person, role string, teams, advises []*core.Record) *core.Record {
	return b.save(schema.Users, b.coordinator, map[string]any{
		"email": email(p), schema.FieldName: p.String(), schema.FieldRole: role,
		schema.FieldTeams: ids(teams), schema.FieldAdvises: ids(advises),
	})
}

func (b *builder) begeleider(p person, teams ...*teamData) {
	var recs []*core.Record
	var names []string
	for _, t := range teams {
		recs = append(recs, t.rec)
		names = append(names, t.spec.name)
	}
	rec := b.staff(p, schema.RoleBegeleider, recs, nil)
	for _, t := range teams {
		t.begeleiders = append(t.begeleiders, rec)
	}
	b.logins = append(b.logins, Login{Role: schema.RoleBegeleider, Name: p.String(), Login: email(p), Teams: names})
}

func (b *builder) adviser(p person, teams ...*teamData) {
	var recs []*core.Record
	var names []string
	for _, t := range teams {
		recs = append(recs, t.rec)
		names = append(names, t.spec.name)
	}
	rec := b.staff(p, schema.RoleTeamadviseur, nil, recs)
	b.advisers = append(b.advisers, rec)
	b.logins = append(b.logins, Login{Role: schema.RoleTeamadviseur, Name: p.String(), Login: email(p), Teams: names})
}

// advisersOf lists the teamadviseurs who advise the team.
func (b *builder) advisersOf(t *teamData) []*core.Record {
	var out []*core.Record
	for _, a := range b.advisers {
		for _, id := range a.GetStringSlice(schema.FieldAdvises) {
			if id == t.rec.Id {
				out = append(out, a)
			}
		}
	}
	return out
}

// email is a staff login: first.last@samenspel.example, in plain ASCII.
func email(p person) string {
	return slug(p.first) + "." + strings.ReplaceAll(slug(p.last), ".", "") + "@" + emailDomain
}

// username is a client login made from the display name: "Jan K." becomes
// "jan.k", "Hüseyin" becomes "huseyin" (the username pattern is
// ^[a-z0-9._-]*$).
func username(name string) string { return slug(name) }

var unaccent = strings.NewReplacer("ü", "u", "ö", "o", "ë", "e", "é", "e", "è", "e", "ï", "i", "ş", "s", "ç", "c", "ğ", "g", "ı", "i")

func slug(s string) string {
	s = unaccent.Replace(strings.ToLower(s))
	var out strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			out.WriteRune(r)
		case r == ' ' || r == '.' || r == '-':
			if o := out.String(); o != "" && !strings.HasSuffix(o, ".") {
				out.WriteByte('.')
			}
		}
	}
	return strings.Trim(out.String(), ".")
}
