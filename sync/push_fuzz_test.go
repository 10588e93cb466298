package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/samenspel/samenspel/internal/apierr"
)

// wantCode fails unless err is a protocol error with code.
func wantCode(t *testing.T, err error, code string) *apierr.Error {
	t.Helper()
	var pe *apierr.Error
	if !errors.As(err, &pe) {
		t.Fatalf("err=%v, want protocol error %s", err, code)
	}
	if pe.Code != code {
		t.Fatalf("code=%s (%s), want %s", pe.Code, pe.Message, code)
	}
	if got, want := pe.Status, apierr.StatusOf(code); got != want {
		t.Fatalf("status=%d, want %d", got, want)
	}
	return pe
}

// FuzzDecodePush feeds decodePush a body made of a fuzzed mutation
// repeated n times (n = repeat % 1024, so the fuzzer crosses the limit of
// 500), or the fuzzed bytes as they are when repeat is 0. decodePush must
// never panic; what it accepts must be within the limits, hold one
// mutation per array element, and every mutation must carry the valid
// mutation_id the device sent.
func FuzzDecodePush(f *testing.F) {
	f.Fuzz(func(t *testing.T, mutation []byte, repeat uint16) {
		body := mutation
		if n := int(repeat % 1024); n > 0 {
			var b bytes.Buffer
			b.WriteString(`{"mutations":[`)
			for i := 0; i < n; i++ {
				if i > 0 {
					b.WriteByte(',')
				}
				b.Write(mutation)
			}
			b.WriteString(`]}`)
			body = b.Bytes()
		}
		muts, err := decodePush(body)

		// What a strict reading of the body says about it.
		var probe struct {
			Mutations []json.RawMessage `json:"mutations"`
		}
		strictErr := json.Unmarshal(body, &probe)
		if strictErr == nil && len(probe.Mutations) > MaxMutations {
			pe := wantCode(t, err, apierr.CodePayloadTooLarge)
			if got, want := pe.Data["max_mutations"], MaxMutations; got != want {
				t.Fatalf("data.max_mutations=%v, want %d", got, want)
			}
			return
		}
		if err != nil {
			var pe *apierr.Error
			if !errors.As(err, &pe) || (pe.Code != apierr.CodeInvalidRequest && pe.Code != apierr.CodePayloadTooLarge) {
				t.Fatalf("err=%v, want invalid_request or payload_too_large", err)
			}
			if len(pe.Data) == 0 {
				t.Fatalf("%s without data naming the problem", pe.Code)
			}
			return
		}
		if strictErr != nil {
			t.Fatalf("accepted a body that is not one JSON object (%v): %.200q", strictErr, body)
		}
		if got, want := len(muts), len(probe.Mutations); got != want {
			t.Fatalf("decoded %d mutations, body holds %d", got, want)
		}
		if len(muts) > MaxMutations || len(body) > MaxPushBytes {
			t.Fatalf("accepted %d mutations in %d bytes", len(muts), len(body))
		}
		for i, m := range muts {
			if !mutationIDPattern.MatchString(m.MutationID) {
				t.Fatalf("mutation %d accepted with mutation_id %q", i, m.MutationID)
			}
			var sent struct {
				MutationID string `json:"mutation_id"`
			}
			if err := json.Unmarshal(probe.Mutations[i], &sent); err == nil && sent.MutationID != m.MutationID {
				t.Fatalf("mutation %d: mutation_id %q, device sent %q", i, m.MutationID, sent.MutationID)
			}
		}
	})
}

// TestDecodePushLimits pins the limits at their edges, which a fuzzer only
// reaches by luck: 500 mutations and 8 MiB pass, one more does not.
func TestDecodePushLimits(t *testing.T) {
	t.Parallel()
	mutations := func(n int) []byte {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = `{"mutation_id":"m` + strings.Repeat("x", i%7) + `","op":"delete"}`
		}
		return []byte(`{"mutations":[` + strings.Join(parts, ",") + `]}`)
	}
	padded := func(size int) []byte {
		head := []byte(`{"mutations":[{"mutation_id":"m1","collection":"goals","op":"update","data":{"note":"`)
		tail := []byte(`"}}]}`)
		b := make([]byte, 0, size)
		b = append(b, head...)
		b = append(b, bytes.Repeat([]byte("a"), size-len(head)-len(tail))...)
		return append(b, tail...)
	}
	tests := []struct {
		name string
		body []byte
		code string // "" for accepted
		data string
	}{
		{"500 mutations", mutations(MaxMutations), "", ""},
		{"501 mutations", mutations(MaxMutations + 1), apierr.CodePayloadTooLarge, "max_mutations"},
		{"8 MiB", padded(MaxPushBytes), "", ""},
		{"8 MiB and a byte", padded(MaxPushBytes + 1), apierr.CodePayloadTooLarge, "max_bytes"},
		{"not JSON", []byte(`{"mutations":[`), apierr.CodeInvalidRequest, "mutations"},
		{"no mutations", []byte(`{}`), apierr.CodeInvalidRequest, "mutations"},
		{"mutations not an array", []byte(`{"mutations":{}}`), apierr.CodeInvalidRequest, "mutations"},
		{"missing mutation_id", []byte(`{"mutations":[{"op":"delete"}]}`), apierr.CodeInvalidRequest, "mutations.0.mutation_id"},
		{"numeric mutation_id", []byte(`{"mutations":[{"mutation_id":"a"},{"mutation_id":7}]}`), apierr.CodeInvalidRequest, "mutations.1.mutation_id"},
		{"mutation_id with a space", []byte(`{"mutations":[{"mutation_id":"a b"}]}`), apierr.CodeInvalidRequest, "mutations.0.mutation_id"},
		{"mutation_id of 101", []byte(`{"mutations":[{"mutation_id":"` + strings.Repeat("m", 101) + `"}]}`), apierr.CodeInvalidRequest, "mutations.0.mutation_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			muts, err := decodePush(tt.body)
			if tt.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if len(muts) == 0 {
					t.Fatal("no mutations decoded")
				}
				return
			}
			pe := wantCode(t, err, tt.code)
			if _, ok := pe.Data[tt.data]; !ok {
				t.Fatalf("data=%v, want key %s", pe.Data, tt.data)
			}
		})
	}
}

// TestDecodePushWrongTypes: a mutation with a field of the wrong type is
// not a whole-request error; it comes back marked, to be rejected alone.
func TestDecodePushWrongTypes(t *testing.T) {
	t.Parallel()
	muts, err := decodePush([]byte(`{"mutations":[{"mutation_id":"a","base_version":"three"},{"mutation_id":"b","op":"delete"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(muts), 2; got != want {
		t.Fatalf("mutations=%d, want %d", got, want)
	}
	if got, want := muts[0].MutationID, "a"; got != want {
		t.Fatalf("mutation_id=%q, want %q", got, want)
	}
	if muts[0].invalid == nil || muts[0].invalid.Code != apierr.CodeInvalidRequest || muts[0].invalid.Data["base_version"] == nil {
		t.Fatalf("wrong-typed mutation not marked invalid naming base_version: %+v", muts[0].invalid)
	}
	if muts[1].invalid != nil {
		t.Fatalf("good mutation marked invalid: %+v", muts[1].invalid)
	}
	if got, want := muts[1].Op, "delete"; got != want {
		t.Fatalf("op=%q, want %q", got, want)
	}
}
