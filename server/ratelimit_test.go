package server

import (
	"testing"
	"time"
)

// TestSyncLimitsPerPerson: a person's devices share a limit of
// personRateFactor devices' worth, so registering more devices does not
// multiply what a person may send. The clock is the test's.
func TestSyncLimitsPerPerson(t *testing.T) {
	t.Parallel()
	l := newSyncLimits(1, 2) // per device 1/s, burst 2; per person 2/s, burst 4
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	take := func(device, person string, at time.Time) (bool, bool) {
		ok, _, byPerson := l.allow(device, person, at)
		return ok, byPerson
	}
	for _, d := range []string{"d1", "d1", "d2", "d2"} {
		if ok, _ := take(d, "anouk", t0); !ok {
			t.Fatalf("%s refused within the person's burst", d)
		}
	}
	if ok, _ := take("d1", "anouk", t0); ok {
		t.Fatal("d1 allowed past its own burst")
	}
	if ok, byPerson := take("d3", "anouk", t0); ok || !byPerson {
		t.Fatalf("a third device: ok=%v byPerson=%v, want refused by the person's limit", ok, byPerson)
	}
	if ok, _ := take("d4", "bram", t0); !ok {
		t.Fatal("another person refused")
	}
	// Half a second later the person has one token again (2/s), d3 its own.
	if ok, _ := take("d3", "anouk", t0.Add(500*time.Millisecond)); !ok {
		t.Fatal("d3 refused after the person's bucket refilled")
	}
	if ok, byPerson := take("d5", "anouk", t0.Add(500*time.Millisecond)); ok || !byPerson {
		t.Fatalf("d5 right after: ok=%v byPerson=%v, want refused by the person's limit", ok, byPerson)
	}
}
