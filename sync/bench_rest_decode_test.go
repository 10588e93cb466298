package sync_test

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The REST baseline's page decoder must give what encoding/json gives.
func TestBenchDecodeRESTSameAsEncodingJSON(t *testing.T) {
	for _, in := range []string{
		`{"page":1,"perPage":1000,"totalItems":-1,"totalPages":-1,"items":[{"collectionId":"x","id":"a1","title":"t\"x"},{"id":"a2","n":[1,2]}]}`,
		`{"items":[]}`, `{"items":null}`, `{"Items":[{"id":"a"}]}`, `{"items":[{"id":"a"},]}`, `{"items":[1]}`,
		`{"items":[{"x":1}]}`, `{"items":[{"id":"\u0061"}]}`, `{"items":[{"id":"a"}]} x`, `null`,
	} {
		var want, got benchRESTPage
		wantErr := json.Unmarshal([]byte(in), &want)
		gotErr := benchDecodeREST([]byte(in), &got)
		if (wantErr == nil) != (gotErr == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %+v, %v; encoding/json %+v, %v", in, got, gotErr, want, wantErr)
		}
	}
}
