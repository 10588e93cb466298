package client

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// The fast page decoder must decide exactly as encoding/json does: the
// same Page for every input it takes, and every input it does not take
// handed to encoding/json (same result, same error).

// serverPage is a page as the server writes it (sync/pull_render.go).
const serverPage = `{"cursor":"v2.abc_DEF-123","has_more":true,"reset":true,"history":"h1","replay_window_seconds":604800,"changes":[` +
	`{"collection":"goals","id":"g1","op":"upsert","version":3,"record":{"id":"g1","title":"Fietsen \"naar\" de markt\n","done":false,"n":-1.5e3,"tags":["a","b"],"meta":{"x":null},"é":"ü"}},` +
	`{"collection":"goals","id":"g2","op":"delete"},` +
	`{"collection":"clients","id":"c1","op":"upsert","version":1,"record":{"id":"c1","name":"Ans \u00e9 \/ \\ \b\f\r\t","email":"a@b.nl"}}]}`

func checkSameAsEncodingJSON(t *testing.T, data []byte) (fast bool) {
	t.Helper()
	var want, got Page
	wantErr := json.Unmarshal(data, &want)
	gotErr := decodePage(data, &got)
	if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
		t.Fatalf("%q: error %v, encoding/json %v", data, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%q:\n got %+v\nwant %+v", data, got, want)
	}
	var p Page
	if decodePageFast(data, &p) == nil {
		if !json.Valid(data) {
			t.Fatalf("%q: fast path took invalid JSON", data)
		}
		return true
	}
	return false
}

func TestDecodePageServerShapeIsFast(t *testing.T) {
	if !checkSameAsEncodingJSON(t, []byte(serverPage)) {
		t.Fatal("the server's page went the slow way")
	}
	spaced := strings.NewReplacer(",", " ,\n", ":", "\t: ", "[", "[ ", "{", "{\r\n").Replace(serverPage)
	checkSameAsEncodingJSON(t, []byte(spaced))
}

func TestDecodePageEdgeCases(t *testing.T) {
	for _, in := range []string{
		``, `null`, `{}`, `[]`, `{"changes":null}`, `{"changes":[]}`, `{"changes":[null]}`,
		`{"changes":[{"record":null}]}`, `{"changes":[{"record":{}}]}`, `{"Cursor":"x"}`, `{"CHANGES":[]}`,
		`{"cursor":"a","cursor":"b"}`, `{"cursor":"a","cursor":null}`, `{"cursor":1}`, `{"cursor":"\u0041"}`,
		`{"cursor":"a\"b"}`, "{\"cursor\":\"a\x01\"}", "{\"cursor\":\"\xff\"}", "{\"x\":\"\xff\"}",
		`{"has_more":1}`, `{"has_more":null}`, `{"has_more":true}x`, `{"has_more":truex}`,
		`{"replay_window_seconds":1.0}`, `{"replay_window_seconds":1e3}`, `{"replay_window_seconds":01}`,
		`{"replay_window_seconds":-0}`, `{"replay_window_seconds":99999999999999999999}`, `{"replay_window_seconds":-}`,
		`{"changes":[{"version":"1"}]}`, `{"changes":[{"record":[1,2,]}]}`, `{"changes":[{"record":"\x"}]}`,
		`{"changes":[{"record":"\u12G4"}]}`, `{"changes":[{"record":-01}]}`, `{"changes":[{"record":1.}]}`,
		`{"changes":[{"record":1e}]}`, `{"changes":[{"record":0.5E+10}]}`, `{"changes":[{"record":tru}]}`,
		`{"changes":[{"other":{"a":[{"b":[]}]},"ID":"x"}]}`, `{"changes":[{"op":"upsert"},]}`, `{"changes":[{"op":"upsert"}}`,
		`{"a":1,}`, `{"a" 1}`, `{a:1}`, `{"changes":{}}`, `{"changes":[1]}`, strings.Repeat("[", 600) + strings.Repeat("]", 600),
		`{"x":` + strings.Repeat("[", 600) + strings.Repeat("]", 600) + `}`,
	} {
		checkSameAsEncodingJSON(t, []byte(in))
	}
}

// TestDecodePageMutations changes bytes of a server page at random.
func TestDecodePageMutations(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	alphabet := []byte("{}[]\",:\\ u0123456789abef-+.eEtrunlsx\x01\xc3\xa9\n")
	for range 20000 {
		b := []byte(serverPage)
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(b))
			switch rng.IntN(3) {
			case 0:
				b[i] = alphabet[rng.IntN(len(alphabet))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			case 2:
				b = append(b[:i], append([]byte{alphabet[rng.IntN(len(alphabet))]}, b[i:]...)...)
			}
		}
		checkSameAsEncodingJSON(t, b)
	}
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(serverPage))
	f.Add([]byte(`{"changes":[{"record":{"a":[1,"x",null,true]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkSameAsEncodingJSON(t, data) })
}
