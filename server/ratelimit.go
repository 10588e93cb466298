package server

import (
	"math"
	gosync "sync"
	"time"
)

// rateLimiter is a token bucket per device: a device may burst (a fresh
// phone pulls page after page) and then sustain a steady rate. Buckets of
// idle devices are dropped now and then, so memory follows active devices.
type rateLimiter struct {
	rate  float64 // tokens per second
	burst float64

	mu      gosync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newRateLimiter(rate float64, burst int) *rateLimiter {
	if rate <= 0 {
		return nil
	}
	return &rateLimiter{rate: rate, burst: float64(burst), buckets: map[string]*bucket{}}
}

// allow takes a token for key, or says how long to wait for one.
func (l *rateLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	if l == nil {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.last).Seconds()*l.rate >= l.burst {
				delete(l.buckets, k) // full again: forgetting it changes nothing
			}
		}
		l.swept = now
	}
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// personRateFactor is how many devices' worth of requests one person may
// make over all their devices: a second phone may sync next to the first,
// but a person cannot multiply the limit by registering many devices.
const personRateFactor = 2

// syncLimits bound the sync requests of each device and of each person.
type syncLimits struct {
	device, person *rateLimiter
}

func newSyncLimits(rate float64, burst int) *syncLimits {
	return &syncLimits{
		device: newRateLimiter(rate, burst),
		person: newRateLimiter(rate*personRateFactor, burst*personRateFactor),
	}
}

// allow takes a token for the device and one for its person, or says how
// long to wait and whether the person's limit is the one reached.
func (l *syncLimits) allow(device, person string, now time.Time) (ok bool, wait time.Duration, byPerson bool) {
	if ok, wait := l.device.allow(device, now); !ok {
		return false, wait, false
	}
	if ok, wait := l.person.allow(person, now); !ok {
		return false, wait, true
	}
	return true, 0, false
}
