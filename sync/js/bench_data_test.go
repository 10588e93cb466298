package syncjs_test

// The data of the browser benchmark: one team of a begeleider, about
// 5,000 records that a pull sends her (clients, safaris, goals, their steps,
// network contacts, observations), saved with every hook on, in one
// transaction, so versions, authorship and the change feed are as in
// production. A small cousin of sync/bench_data_test.go's generator.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
)

// benchTeam is what fillBenchTeam made.
type benchTeam struct {
	begeleider *core.Record
	counts     map[string]int // records per synced collection
	total      int            // records a pull sends the begeleider
	setup      time.Duration
}

// fillBenchTeam writes a team of about size records into app: clients
// (1 %), safaris (0.25 %, three participants each) and, in a 3:2:2:3 mix,
// goals, steps of those goals, network contacts and observations.
func fillBenchTeam(tb testing.TB, app core.App, size int) *benchTeam {
	tb.Helper()
	d := &benchTeam{counts: map[string]int{}}
	start := time.Now()
	err := app.RunInTransaction(func(tx core.App) error {
		rng := rand.New(rand.NewPCG(uint64(size), 2026))
		save := func(collection, author string, fields map[string]any, prepare func(*core.Record)) (*core.Record, error) {
			c, err := tx.FindCachedCollectionByNameOrId(collection)
			if err != nil {
				return nil, err
			}
			r := core.NewRecord(c)
			for k, v := range fields {
				r.Set(k, v)
			}
			if prepare != nil {
				prepare(r)
			}
			if author != "" {
				schema.SetAuthor(r, author)
			}
			if err := tx.Save(r); err != nil {
				return nil, fmt.Errorf("save %s: %w", collection, err)
			}
			d.counts[collection]++
			return r, nil
		}
		team, err := save(schema.Teams, "", map[string]any{"name": "Team Noord", "area": "Deventer-Noord"}, nil)
		if err != nil {
			return err
		}
		beg, err := save(schema.Users, "", map[string]any{"email": "bench-begeleider@example.nl", "name": "Anouk Jansen",
			"role": schema.RoleBegeleider, "teams": []string{team.Id}}, func(r *core.Record) { r.SetPassword(servertest.Password) })
		if err != nil {
			return err
		}
		delete(d.counts, schema.Users) // not synced
		d.begeleider = beg
		staff := schema.Users + ":" + beg.Id

		nClients, nSafaris := max(size/100, 5), max(size/400, 2)
		var clients, safaris, goals []string
		var hash string // bcrypt once; every client gets the same hash
		for i := range nClients {
			prepare := func(r *core.Record) { r.SetRaw(core.FieldNamePassword, &core.PasswordFieldValue{Hash: hash}) }
			if i == 0 {
				prepare = func(r *core.Record) { r.SetPassword(servertest.Password) }
			}
			c, err := save(schema.Clients, staff, map[string]any{"name": pick(rng, firstNames) + " " + pick(rng, lastNames),
				"team": team.Id, "username": fmt.Sprintf("benchclient%04d", i)}, prepare)
			if err != nil {
				return err
			}
			if i == 0 {
				hash = c.GetString(core.FieldNamePassword + ":hash")
			}
			clients = append(clients, c.Id)
		}
		for i := range nSafaris {
			s, err := save(schema.Safaris, staff, map[string]any{
				"team": team.Id, "title": "Rondje " + pick(rng, areas), "area": pick(rng, areas),
				"date":        time.Date(2025, time.Month(1+i%12), 1+i%28, 10, 0, 0, 0, time.UTC),
				"begeleiders": []string{beg.Id}, "clients": []string{clients[(3*i)%nClients], clients[(3*i+1)%nClients], clients[(3*i+2)%nClients]},
				"questions":  []string{"Waar voel je je welkom?", "Wie ken je hier al?"},
				"reflection": sentences(rng, 2, 5), "status": "done",
			}, nil)
			if err != nil {
				return err
			}
			safaris = append(safaris, s.Id)
		}
		for i := range size - 1 - nClients - nSafaris {
			client := clients[rng.IntN(nClients)]
			var err error
			switch i % 10 {
			case 0, 1, 2:
				var g *core.Record
				g, err = save(schema.Goals, staff, map[string]any{
					"client": client, "title": pick(rng, goalTitles), "life_domain": pick(rng, lifeDomains),
					"why": sentences(rng, 1, 4), "status": pick(rng, []string{"idea", "active", "achieved"}), "progress": rng.IntN(11),
				}, nil)
				if err == nil {
					goals = append(goals, g.Id)
				}
			case 3, 4:
				if len(goals) == 0 {
					continue
				}
				_, err = save(schema.GoalSteps, staff, map[string]any{
					"goal": goals[rng.IntN(len(goals))], "description": sentences(rng, 1, 2),
					"carried_by": pick(rng, []string{"client", "network", "begeleider"}), "status": pick(rng, []string{"planned", "doing", "done"}),
				}, nil)
			case 5, 6:
				_, err = save(schema.NetworkContacts, staff, map[string]any{
					"client": client, "name": pick(rng, firstNames), "relation": pick(rng, []string{"family", "friend", "neighbour", "volunteer"}),
					"circle": 1 + rng.IntN(3), "support": []string{"practical"}, "status": "active", "note": sentences(rng, 1, 3),
				}, nil)
			default:
				_, err = save(schema.Observations, staff, map[string]any{
					"safari": safaris[rng.IntN(nSafaris)], "kind": pick(rng, []string{"place", "facility", "initiative", "key_person"}),
					"title": "Buurthuis " + pick(rng, areas), "note": sentences(rng, 2, 6),
					"location":  types.GeoPoint{Lon: 6.14 + rng.Float64()*0.06, Lat: 52.24 + rng.Float64()*0.04},
					"threshold": pick(rng, []string{"low", "medium", "high"}), "author_user": beg.Id,
				}, nil)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("bench data: %v", err)
	}
	d.setup = time.Since(start)
	for _, n := range d.counts {
		d.total += n
	}
	return d
}

func pick(rng *rand.Rand, from []string) string { return from[rng.IntN(len(from))] }

func sentences(rng *rand.Rand, lo, hi int) string {
	parts := make([]string, lo+rng.IntN(hi-lo+1))
	for i := range parts {
		parts[i] = pick(rng, noteSentences)
	}
	return strings.Join(parts, " ")
}

var (
	firstNames  = []string{"Jan", "Fatima", "Piet", "Anouk", "Mohamed", "Els", "Kees", "Samira", "Henk", "Ingrid", "Yusuf", "Marieke"}
	lastNames   = []string{"de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Yilmaz", "El Amrani", "van Dijk", "Kaya"}
	areas       = []string{"Knutselwijk", "Keizerslanden", "Rivierenwijk", "Colmschate", "Binnenstad", "Zandweerd"}
	lifeDomains = []string{"living", "daytime_activity", "finances", "relationships", "health", "leisure", "meaning", "other"}
	goalTitles  = []string{"Weer zelf boodschappen doen", "Vrijwilligerswerk vinden bij de voedselbank", "Mijn schulden op een rij krijgen",
		"Elke week een keer naar het buurthuis", "Weer contact hebben met mijn zus", "Zelfstandig met de bus naar de stad reizen"}
	noteSentences = []string{
		"Jan vond het spannend om naar binnen te gaan, maar de gastvrouw maakte meteen een praatje.",
		"De koffie is gratis en er zit elke ochtend een vaste groep buurtbewoners aan de leestafel.",
		"Het gebouw is slecht toegankelijk met een rollator: de drempel bij de ingang is hoog.",
		"We hebben afgesproken dat hij volgende week zelf belt om een afspraak te maken.",
		"De buurvrouw heeft aangeboden om samen boodschappen te doen op vrijdagochtend.",
		"Volgende keer nemen we de bus in plaats van de auto, zodat ze de route leert.",
		"De bibliotheek heeft een digicafé waar je hulp krijgt bij DigiD en formulieren.",
		"In overleg met de client hebben we het doel kleiner gemaakt en een eerste stap gekozen.",
	}
)
