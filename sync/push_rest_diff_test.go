package sync_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/servertest"
	fieldsync "github.com/samenspel/samenspel/sync"
)

// TestPushIsREST: push judges a write exactly as PocketBase's REST API
// judges the same write. Random writes by every role (creates and updates
// in every collection, under parents of both teams, with list-valued
// relations, repeated ids, account fields, values of the wrong type, text
// with control characters, feedback notes and answers) go to two copies of one World: through one push
// on the first, one by one through REST on the second. Each write must be
// applied on both or refused on both, and afterwards every record the
// writes touched must be the same on both.
func TestPushIsREST(t *testing.T) {
	t.Parallel()
	seen := map[string]int{}
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 99))
		pushApp, w := servertest.NewWorldApp(t)
		restApp, _ := servertest.NewWorldApp(t)
		pushURL := servertest.Serve(t, pushApp).URL
		restURL := servertest.Serve(t, restApp).URL
		people := []*core.Record{w.BegA, w.BegB, w.AdvA, w.Coord, w.ClientA, w.ClientB}
		person := people[rng.IntN(len(people))]
		writes := randomWrites(rng, w, person, 40)

		token := fuzzRegister(t, pushURL, person, "diff-phone")
		body, _ := json.Marshal(map[string]any{"mutations": writes})
		reply := fuzzPost(t, pushURL, token, body)
		var pushed fieldsync.PushResponse
		if reply.status != http.StatusOK || json.Unmarshal(reply.body, &pushed) != nil {
			t.Fatalf("push: %d %s", reply.status, reply.body)
		}
		auth := servertest.Token(t, person)
		for i, m := range writes {
			status := restWrite(t, restURL, auth, m)
			byPush := pushed.Results[i].Status != fieldsync.StatusRejected
			byREST := status == http.StatusOK
			seen[fmt.Sprintf("%v", byREST)]++
			if byPush != byREST {
				raw, _ := json.Marshal(m)
				t.Fatalf("seed %d, %s, write %s: push %s %+v, REST %d", seed, person.GetString("name"), raw,
					pushed.Results[i].Status, pushed.Results[i].Error, status)
			}
		}
		for _, m := range writes {
			sameRecord(t, pushApp, restApp, m["collection"].(string), m["id"].(string))
		}
	}
	if seen["true"] == 0 || seen["false"] == 0 {
		t.Fatalf("the writes did not exercise both outcomes: %v", seen)
	}
}

// restWrite sends one mutation as the REST request it stands for.
func restWrite(t *testing.T, url, auth string, m map[string]any) int {
	t.Helper()
	data, _ := m["data"].(map[string]any)
	path := "/api/collections/" + m["collection"].(string) + "/records"
	method := "POST"
	body := map[string]any{}
	for k, v := range data {
		body[k] = v
	}
	if m["op"] == "create" {
		body["id"] = m["id"]
	} else {
		method, path = "PATCH", path+"/"+m["id"].(string)
	}
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url+path, strings.NewReader(string(raw)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", auth)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// sameRecord compares a record on both apps, field by field, leaving out
// what differs by nature (timestamps, authorship, a client's random
// password).
func sameRecord(t *testing.T, a, b core.App, collection, id string) {
	t.Helper()
	ra, errA := a.FindRecordById(collection, id)
	rb, errB := b.FindRecordById(collection, id)
	if (errA == nil) != (errB == nil) {
		t.Fatalf("%s/%s exists after push: %v, after REST: %v", collection, id, errA == nil, errB == nil)
	}
	if errA != nil {
		return
	}
	// version: push writes nothing for an update that changes nothing,
	// REST saves (and counts) it anyway.
	skip := map[string]bool{"created": true, "updated": true, "version": true, "authorship": true, "password": true, "tokenKey": true}
	for _, f := range ra.Collection().Fields {
		name := f.GetName()
		if skip[name] {
			continue
		}
		va, _ := json.Marshal(ra.Get(name))
		vb, _ := json.Marshal(rb.Get(name))
		if !reflect.DeepEqual(va, vb) {
			t.Fatalf("%s/%s.%s: %s after push, %s after REST", collection, id, name, va, vb)
		}
	}
}

// randomWrites makes creates and updates of every kind, valid and not, for
// person: parents of both teams, lists where one id belongs, ids used
// twice, account fields, wrong types, control characters.
func randomWrites(rng *rand.Rand, w *servertest.World, person *core.Record, n int) []map[string]any {
	pick := func(xs ...any) any { return xs[rng.IntN(len(xs))] }
	client := func() any {
		return pick(w.ClientA.Id, w.ClientA2.Id, w.ClientB.Id,
			[]string{w.ClientA.Id, w.ClientB.Id}, []string{w.ClientB.Id, w.ClientA.Id}, []string{w.ClientA.Id})
	}
	safari := func() any {
		return pick(w.SafariA.Id, w.SafariB.Id, []string{w.SafariA.Id, w.SafariB.Id}, []string{w.SafariB.Id, w.SafariA.Id})
	}
	team := func() any {
		return pick(w.TeamA.Id, w.TeamB.Id, []string{w.TeamA.Id, w.TeamB.Id}, []string{w.TeamB.Id, w.TeamA.Id})
	}
	text := func() any {
		return pick("Weer zelf koken", "Naar de markt", []string{"twee", "woorden"}, "met\x00nul", "omgekeerd \u202etxt", 42)
	}
	var used []string
	newID := func(i int) string {
		if len(used) > 0 && rng.IntN(5) == 0 {
			return used[rng.IntN(len(used))] // an id used before in this push
		}
		id := fmt.Sprintf("dif%02dx%09d", i, rng.IntN(1e9))
		used = append(used, id)
		return id
	}
	var out []map[string]any
	for i := range n {
		m := map[string]any{"mutation_id": fmt.Sprintf("d%d", i), "op": "create"}
		var data map[string]any
		switch rng.IntN(12) {
		case 0:
			m["collection"], m["id"] = "goals", newID(i)
			data = map[string]any{"client": client(), "title": text()}
		case 1:
			m["collection"], m["id"] = "network_contacts", newID(i)
			data = map[string]any{"client": client(), "name": text(), "relation": "neighbour"}
		case 2:
			m["collection"], m["id"] = "goal_steps", newID(i)
			data = map[string]any{"goal": pick(w.GoalA.Id, w.GoalB.Id, []string{w.GoalA.Id, w.GoalB.Id}), "description": text(), "carried_by": "client"}
		case 3:
			m["collection"], m["id"] = "observations", newID(i)
			data = map[string]any{"safari": safari(), "kind": "place", "title": text()}
			if person.Collection().Name == "clients" {
				data["author_client"] = person.Id
			} else {
				data["author_user"] = person.Id
			}
		case 4:
			m["collection"], m["id"] = "safaris", newID(i)
			data = map[string]any{"team": team(), "title": text(), "questions": pick([]any{"Wat zie je?"}, []any{[]any{[]any{"diep"}}})}
		case 5:
			m["collection"], m["id"], m["op"] = "goals", pick(w.GoalA.Id, w.GoalB.Id), "update"
			data = map[string]any{"title": text()}
		case 6:
			m["collection"], m["id"], m["op"] = "clients", pick(w.ClientA.Id, w.ClientB.Id), "update"
			data = map[string]any{"team": team()}
		case 7:
			m["collection"], m["id"], m["op"] = "clients", pick(w.ClientA.Id, w.ClientB.Id), "update"
			data = map[string]any{"email": fmt.Sprintf("nieuw%d@example.org", i)}
		case 8:
			m["collection"], m["id"], m["op"] = "safaris", pick(w.SafariA.Id, w.SafariB.Id), "update"
			data = map[string]any{"title": text()}
		case 10:
			// a note or an answer: to either team's note, to a list, to
			// an answer made earlier in this push, in anyone's name
			m["collection"], m["id"] = "feedback", newID(i)
			note := pick(w.FeedbackA.Id, w.FeedbackB.Id, "")
			in := map[any]any{w.FeedbackA.Id: w.TeamA.Id, w.FeedbackB.Id: w.TeamB.Id, "": team()}[note] // the note's team
			switch rng.IntN(5) {
			case 0:
				in = team()
			case 1:
				note = pick([]string{w.FeedbackA.Id, w.FeedbackB.Id}, []string{w.FeedbackA.Id, w.FeedbackA.Id})
			case 2:
				if len(used) > 1 {
					note = used[rng.IntN(len(used)-1)]
				}
			}
			data = map[string]any{"team": in, "answer_to": note, "author": pick(person.Id, person.Id, person.Id, w.AdvA.Id, w.BegA.Id), "text": text()}
		case 11:
			m["collection"], m["id"], m["op"] = "feedback", pick(w.FeedbackA.Id, w.FeedbackB.Id), "update"
			data = map[string]any{"text": text()}
			if rng.IntN(2) == 0 {
				data["answer_to"] = pick(w.FeedbackA.Id, w.FeedbackB.Id, "")
			}
		default:
			m["collection"], m["id"], m["op"] = "observations", pick(w.ObsA.Id, w.ObsB.Id), "update"
			data = map[string]any{"title": text()}
		}
		m["data"] = data
		if m["op"] == "update" {
			// The version the World gave it: no conflict with another
			// writer (the device's own earlier edits never conflict).
			m["base_version"] = 1
		}
		out = append(out, m)
	}
	return out
}
