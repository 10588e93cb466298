package server

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// pocketBaseRateLimits are the rate limit rules a fresh PocketBase
// (v0.39) starts with, switched off (core/settings_model.go).
var pocketBaseRateLimits = []core.RateLimitRule{
	{Label: "*:auth", MaxRequests: 2, Duration: 3},
	{Label: "*:create", MaxRequests: 20, Duration: 5},
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

// rateLimits are PocketBase's rate limits as Samenspel turns them on, per
// client IP. Client usernames are first names, so a password must not be
// guessable at speed: a few tries a minute at each login step. Staff
// request a code by e-mail at every login (MFA), so code requests may
// come as often as password logins; guessing a code is stopped per person
// by PocketBase itself (5 tries in 3 minutes). The sync
// API has its own limits per device and person (ratelimit.go), so its IP
// limit only stops floods: an office behind one address syncs many phones.
// PocketBase picks the first rule whose label matches, in this order.
var rateLimits = []core.RateLimitRule{
	{Label: "*:authWithPassword", MaxRequests: 10, Duration: 60},
	{Label: "*:authWithOTP", MaxRequests: 10, Duration: 60},
	{Label: "*:requestOTP", MaxRequests: 10, Duration: 60}, // one per staff login: as many as password logins
	{Label: "*:requestPasswordReset", MaxRequests: 5, Duration: 60},
	{Label: "*:auth", MaxRequests: 2, Duration: 3},
	{Label: "*:create", MaxRequests: 20, Duration: 5},
	{Label: "/api/batch", MaxRequests: 3, Duration: 1},
	{Label: "/api/sync/", MaxRequests: 3000, Duration: 10},
	{Label: "/api/", MaxRequests: 300, Duration: 10},
}

// enableRateLimits turns on PocketBase's rate limits with rateLimits when
// they are as a fresh PocketBase has them (off, with its stock rules, no
// excluded IPs). Any other state is an operator's choice, made in the
// dashboard, and is kept: once ours are saved they are no longer stock,
// so they are set once and then left to the operator.
func enableRateLimits(app core.App) error {
	s := app.Settings()
	rl := s.RateLimits
	if rl.Enabled || len(rl.ExcludedIPs) > 0 || !slices.Equal(rl.Rules, pocketBaseRateLimits) {
		return nil
	}
	s.RateLimits.Rules = slices.Clone(rateLimits)
	s.RateLimits.Enabled = true
	if err := app.Save(s); err != nil {
		return fmt.Errorf("enable rate limits: %w", err)
	}
	return nil
}
