package schema

import (
	"fmt"
	"math"
	"testing"
)

// StoredChange reads back what renderSelect writes, for any shape, and
// refuses a change of another form rather than misreading it.
func TestStoredChange(t *testing.T) {
	for _, shape := range []int64{0, 1, -1, 42, math.MaxInt64, math.MinInt64, -8070450532247928832} {
		for _, clients := range []string{"", "c1", `["c1","c2"]`} {
			tail := `"version":3,"record":{"title":"a|b"}`
			got, c, rest, ok := StoredChange(fmt.Appendf(nil, "%d|%s|%s", shape, clients, tail))
			if !ok || got != shape || string(c) != clients || string(rest) != tail {
				t.Errorf("shape %d clients %q: got %d %q %q %v", shape, clients, got, c, rest, ok)
			}
		}
	}
	for _, bad := range []string{"", "|", "1|", "x|c|t", "|c|t", "1c|t", "99999999999999999999|c|t", "9223372036854775808|c|t", "-9223372036854775809|c|t", "-|c|t"} {
		if _, _, _, ok := StoredChange([]byte(bad)); ok {
			t.Errorf("%q read as a stored change", bad)
		}
	}
}

func FuzzStoredChange(f *testing.F) {
	f.Add(int64(7), "c1", `"version":1,"record":{}`)
	f.Fuzz(func(t *testing.T, shape int64, clients, tail string) {
		for _, r := range clients {
			if r == '|' {
				return // clients never hold one
			}
		}
		got, c, rest, ok := StoredChange(fmt.Appendf(nil, "%d|%s|%s", shape, clients, tail))
		if !ok || got != shape || string(c) != clients || string(rest) != tail {
			t.Fatalf("got %d %q %q %v", got, c, rest, ok)
		}
	})
}
