package demo

import (
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/schema"
)

// routes are where a walk goes, for the safari's area field.
var routes = []string{
	"Start bij het wijkcentrum, rondje van anderhalf uur",
	"Van de bushalte naar het park en terug",
	"Langs de winkels aan het plein",
	"Het noordelijk deel, met een stop voor koffie",
	"Vanaf de woonvorm, zo ver als de groep wil",
}

// safaris creates 4 to 6 walks for the team, each on its own theme: most
// done (with what was found and a reflection), one or two still planned.
func (b *builder) safaris(t *teamData) {
	themes := shuffled(b.rnd, safariThemes)
	n := b.between(4, 6)
	planned := b.between(1, 2)
	for i, th := range themes[:n] {
		done := i < n-planned
		date := b.day(b.between(3, 35))
		if done {
			date = b.day(-b.between(10, 150))
		}
		participants := sampleClients(b, t.clients, b.between(2, 5))
		walkers := sample(b.rnd, t.begeleiders, b.between(1, 2))
		questions := sample(b.rnd, th.questions, b.between(3, len(th.questions)))
		questions = append(questions, pick(b.rnd, closingQuestions))
		fields := map[string]any{
			schema.FieldTeam:    t.rec.Id,
			schema.FieldTitle:   strings.ReplaceAll(pick(b.rnd, th.titles), "{wijk}", wijk(t.spec.area)),
			"area":              pick(b.rnd, routes),
			"date":              date,
			"begeleiders":       ids(walkers),
			schema.FieldClients: ids(participants),
			"questions":         questions,
			"status":            "planned",
		}
		if done {
			fields["status"] = "done"
			fields["reflection"] = pick(b.rnd, th.reflections)
		}
		safari := b.save(schema.Safaris, walkers[0], fields)
		if done {
			t.safaris = append(t.safaris, safari)
			b.observations(t, safari, th, walkers, participants)
		}
	}
}

// observations logs 3 to 6 findings of a done walk. About a third are
// logged by a participating client on their own phone; most have a
// location a few hundred metres around the middle of the wijk.
func (b *builder) observations(t *teamData, safari *core.Record, th safariTheme, walkers, participants []*core.Record) {
	for _, o := range sample(b.rnd, th.observations, b.between(3, len(th.observations))) {
		fields := map[string]any{
			schema.FieldSafari: safari.Id,
			"kind":             o.kind,
			schema.FieldTitle:  o.title,
			"note":             o.note,
			"threshold":        o.threshold,
		}
		author := pick(b.rnd, walkers)
		if b.chance(0.35) {
			author = pick(b.rnd, participants)
			fields[schema.FieldAuthorClient] = author.Id
			t.clientLogged = append(t.clientLogged, safari)
		} else {
			fields[schema.FieldAuthorUser] = author.Id
		}
		if b.chance(0.7) {
			fields["location"] = types.GeoPoint{
				Lat: t.spec.lat + (b.rnd.Float64()-0.5)*0.01,
				Lon: t.spec.lon + (b.rnd.Float64()-0.5)*0.015,
			}
		}
		rec := b.save(schema.Observations, author, fields)
		t.findings = append(t.findings, finding{rec: rec, kind: o.kind})
	}
}

// feedback: each teamadviseur of the team leaves a few review notes on its
// walks and findings, never about a client.
func (b *builder) feedback(t *teamData) {
	for i, adviser := range b.advisersOf(t) {
		n := b.between(3, 4) // the lead adviser asks, appreciates and suggests
		if i > 0 {
			n = b.between(1, 2)
		}
		for _, f := range kindsFirst(shuffled(b.rnd, feedbackTexts)) {
			if n == 0 {
				break
			}
			fields := map[string]any{schema.FieldTeam: t.rec.Id, schema.FieldAuthor: adviser.Id, "kind": f.kind}
			text := f.text
			switch f.about {
			case "safari", "safari_clients":
				from := t.safaris
				if f.about == "safari_clients" {
					from = t.clientLogged
				}
				if len(from) == 0 {
					continue
				}
				s := pick(b.rnd, from)
				fields[schema.FieldSafari] = s.Id
				text = strings.ReplaceAll(text, "{safari}", s.GetString(schema.FieldTitle))
			case "obs", "barrier":
				o, ok := b.place(t)
				if f.about == "barrier" {
					o, ok = b.barrier(t)
				}
				if !ok {
					continue
				}
				fields[schema.FieldObservation] = o.Id
				text = strings.ReplaceAll(text, "{obs}", o.GetString(schema.FieldTitle))
			}
			fields["text"] = text
			b.save(schema.Feedback, adviser, fields)
			n--
		}
	}
}

// kindsFirst moves the first note of each kind to the front, so a few
// notes already show questions, appreciation and suggestions.
func kindsFirst(fs []feedbackText) []feedbackText {
	var first, rest []feedbackText
	seen := map[string]bool{}
	for _, f := range fs {
		if seen[f.kind] || f.about == "barrier" || f.about == "safari_clients" {
			rest = append(rest, f) // a barrier or client finding may not exist: never lead with one
			continue
		}
		seen[f.kind] = true
		first = append(first, f)
	}
	return append(first, rest...)
}

// barrier picks a barrier the team found.
func (b *builder) barrier(t *teamData) (*core.Record, bool) {
	var fit []*core.Record
	for _, f := range t.findings {
		if f.kind == "barrier" {
			fit = append(fit, f.rec)
		}
	}
	if len(fit) == 0 {
		return nil, false
	}
	return pick(b.rnd, fit), true
}

// place picks a finding a step can use: somewhere to go or something to
// join, not a barrier or a person, with one of the words in its title (any
// place if no words are given).
func (b *builder) place(t *teamData, words ...string) (*core.Record, bool) {
	var fit []*core.Record
	for _, f := range t.findings {
		switch f.kind {
		case "place", "meeting_place", "facility", "initiative", "opportunity":
		default:
			continue
		}
		title := strings.ToLower(f.rec.GetString(schema.FieldTitle))
		if len(words) == 0 || slices.ContainsFunc(words, func(w string) bool { return strings.Contains(title, w) }) {
			fit = append(fit, f.rec)
		}
	}
	if len(fit) == 0 {
		return nil, false
	}
	return pick(b.rnd, fit), true
}

func sampleClients(b *builder, cs []*clientData, n int) []*core.Record {
	var recs []*core.Record
	for _, c := range cs {
		recs = append(recs, c.rec)
	}
	return sample(b.rnd, recs, n)
}

// wijk is the neighbourhood part of an area: "Deventer-Keizerslanden"
// becomes "Keizerslanden".
func wijk(area string) string {
	if _, after, ok := strings.Cut(area, "-"); ok {
		return after
	}
	return area
}
