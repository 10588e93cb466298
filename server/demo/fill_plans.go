package demo

import (
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// relationBag weighs which relations fill the rest of a network: mostly
// family, friends, neighbours and peers; formal care is there, but fewer.
var relationBag = []string{
	"family", "family", "family", "friend", "friend", "friend", "neighbour", "neighbour",
	"peer", "peer", "volunteer", "informal_carer", "professional", "professional",
	"organisation", "organisation", "partner", "other",
}

// network maps 4 to 8 people and places around the client: always someone
// from the family and a friend, neighbour or partner to lean on, sometimes a
// contact that went quiet or someone the client wishes for. Contact details
// only where the client agreed that staff may get in touch.
func (b *builder) network(t *teamData, c *clientData) {
	n := b.between(4, 8)
	used := map[string]bool{}
	add := func(kind contactKind, ct contactText, status string) {
		if used[ct.name] {
			return
		}
		used[ct.name] = true
		note := ct.note
		if status == "active" && kind.canSleep && len(c.contacts) >= 2 && b.chance(0.2) {
			status, note = "dormant", ct.note+". "+pick(b.rnd, dormantNotes)
		}
		fields := map[string]any{
			schema.FieldClient: c.rec.Id,
			schema.FieldName:   ct.name,
			"relation":         kind.relation,
			"formal":           kind.formal,
			"circle":           b.between(kind.circle[0], kind.circle[1]),
			"support":          sample(b.rnd, kind.support, b.between(1, min(3, len(kind.support)))),
			"reciprocity":      pick(b.rnd, []string{"gives", "gives", "both", "both", "receives"}),
			"status":           status,
			"note":             note,
		}
		if kind.formal {
			fields["reciprocity"] = "gives"
		}
		if status != "wished" && b.chance(0.45) {
			fields[schema.FieldInvolveConsent] = true
			if b.chance(0.75) {
				fields[schema.FieldPhone] = fmt.Sprintf("06-%08d", b.rnd.IntN(100_000_000))
			}
			if kind.formal && b.chance(0.5) {
				fields[schema.FieldEmail] = slug(ct.name) + "@" + emailDomain
			}
		}
		if status == "wished" {
			fields["circle"] = 2
		}
		rec := b.save(schema.NetworkContacts, b.writer(t, c, 0.6), fields)
		c.contacts = append(c.contacts, contactData{rec: rec, relation: kind.relation, status: status, formal: kind.formal})
	}

	add(contactKinds["family"], pick(b.rnd, contactKinds["family"].candidates), "active")
	near := contactKinds[pick(b.rnd, []string{"friend", "friend", "neighbour", "partner"})]
	add(near, pick(b.rnd, near.candidates), "active")
	if b.chance(0.4) {
		w := pick(b.rnd, wishedContacts)
		add(contactKinds[w.relation], w.contactText, "wished")
	}
	for tries := 0; len(c.contacts) < n && tries < 50; tries++ {
		kind := contactKinds[pick(b.rnd, relationBag)]
		add(kind, pick(b.rnd, kind.candidates), "active")
	}
}

// goals writes 1 to 3 goals in the client's own words, each with 2 to 5
// steps. Most goals the client wrote and agreed to; some a begeleider
// wrote down with them and the client has not agreed to yet.
func (b *builder) goals(t *teamData, c *clientData) {
	k := pick(b.rnd, []int{1, 1, 2, 2, 2, 3, 3})
	for _, g := range sample(b.rnd, shuffled(b.rnd, goalTexts), k) {
		status := pick(b.rnd, []string{"active", "active", "active", "active", "idea", "idea", "achieved", "achieved", "paused", "stopped"})
		progress := map[string][2]int{"idea": {0, 2}, "active": {2, 8}, "achieved": {10, 10}, "paused": {1, 5}, "stopped": {0, 4}}[status]
		byClient := b.chance(0.7)
		author := c.rec
		if !byClient {
			author = pick(b.rnd, t.begeleiders)
		}
		fields := map[string]any{
			schema.FieldClient: c.rec.Id,
			schema.FieldTitle:  pick(b.rnd, g.titles),
			"life_domain":      g.domain,
			"why":              pick(b.rnd, g.whys),
			"status":           status,
			"progress":         b.between(progress[0], progress[1]),
		}
		if byClient && status != "idea" && b.chance(0.8) {
			fields[schema.FieldAgreedAt] = b.day(-b.between(20, 200))
		}
		goal := b.save(schema.Goals, author, fields)
		b.steps(t, c, goal, g, status)
	}
}

func (b *builder) steps(t *teamData, c *clientData, goal *core.Record, g goalText, goalStatus string) {
	steps := sample(b.rnd, g.steps, b.between(2, len(g.steps)))
	doneUpTo := map[string]int{"idea": 0, "achieved": len(steps), "stopped": b.rnd.IntN(2)}[goalStatus]
	if goalStatus == "active" || goalStatus == "paused" {
		doneUpTo = b.rnd.IntN(len(steps))
	}
	for i, s := range steps {
		fields := map[string]any{schema.FieldGoal: goal.Id, "carried_by": s.carriedBy}
		text := s.text
		if s.carriedBy == "network" {
			contact := c.contactFor(s.relations)
			fields["contact"] = contact.Id
			text = strings.ReplaceAll(text, "{naam}", contact.GetString(schema.FieldName))
		}
		if strings.Contains(text, "{plek}") {
			place := "het buurthuis" // the team has not found a fitting place yet
			if obs, ok := b.place(t, s.places...); ok {
				fields[schema.FieldObservation] = obs.Id
				place = "'" + obs.GetString(schema.FieldTitle) + "'"
			}
			text = strings.ReplaceAll(text, "{plek}", place)
		}
		fields["description"] = text

		status := "planned"
		switch {
		case i < doneUpTo:
			status = "done"
		case goalStatus == "stopped" || (goalStatus == "paused" && b.chance(0.3)):
			status = "dropped"
		case i == doneUpTo && goalStatus == "active":
			status = "doing"
		}
		fields["status"] = status
		if status == "done" {
			fields["due"] = b.day(-b.between(5, 120))
			if b.chance(0.5) {
				fields["reflection"] = pick(b.rnd, stepReflections)
			}
		} else if status != "dropped" && b.chance(0.7) {
			fields["due"] = b.day(b.between(7, 90))
		}
		b.save(schema.GoalSteps, b.writer(t, c, 0.75), fields)
	}
}

// contactFor finds who from the network carries a step: an active,
// informal contact, preferring the relations in order. Every network has
// at least two active informal contacts (see network).
func (c *clientData) contactFor(relations []string) *core.Record {
	var informal []contactData
	for _, ct := range c.contacts {
		if ct.status == "active" && !ct.formal {
			informal = append(informal, ct)
		}
	}
	for _, rel := range relations {
		if i := slices.IndexFunc(informal, func(ct contactData) bool { return ct.relation == rel }); i >= 0 {
			return informal[i].rec
		}
	}
	return informal[0].rec
}

// writer is who wrote a part of the plan: the client with probability
// pClient, otherwise a begeleider of their team (at the kitchen table).
func (b *builder) writer(t *teamData, c *clientData, pClient float64) *core.Record {
	if b.chance(pClient) {
		return c.rec
	}
	return pick(b.rnd, t.begeleiders)
}
