package sync

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
	"github.com/spf13/cast"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Login is the PocketBase login a device is registered with: the person
// and what their token says about how it was made.
type Login struct {
	Record *core.Record
	// Refreshable is the token's "refreshable" claim. PocketBase's normal
	// auth tokens (from a login or auth-refresh) carry true; the static
	// tokens a superuser makes to impersonate someone carry false.
	Refreshable bool
}

// LoginOf is the Login of a PocketBase auth token that PocketBase's own
// middleware has already verified and loaded as record (nil: no login).
// token may carry PocketBase's optional "Bearer " prefix.
func LoginOf(record *core.Record, token string) Login {
	if record == nil {
		return Login{}
	}
	token = strings.TrimSpace(strings.TrimPrefix(token, "Bearer "))
	claims, _ := security.ParseUnverifiedJWT(token) // verified by PocketBase already
	return Login{Record: record, Refreshable: cast.ToBool(claims[core.TokenClaimRefreshable])}
}

// checkStaffMFA refuses a device to a staff login that did not pass MFA.
// Clients are not staff: they log in with a password after an invite.
//
// PocketBase's tokens do not say which factors a login passed, so the
// check rests on how PocketBase issues them. With MFA enabled for users
// and no MFA rule, PocketBase answers the first factor (password, code or
// OAuth2) with a 401 and an mfaId, and issues a token only after a second,
// different one; auth-refresh renews a token only for a record that still
// has the tokenKey it was made under. So a normal (refreshable) users
// token proves two factors, as long as MFA was on when the login began:
// the migration that turned it on renewed every staff tokenKey, which
// ended older logins. With the organisation's identity provider doing
// MFA (cfg.StaffIdPMFA) and PocketBase's MFA off, a token proves MFA only
// when password and code logins are off for users, so that OAuth2 is the
// only way in. Anything else is refused, and so is every impersonation
// token: a superuser acting as a staff member passed no MFA of theirs.
//
// A client's impersonation token is refused too (forbidden, reason
// "impersonation"): a device's syncs are logged as its owner's
// (server/syncapi.go), and a superuser's phone must not pass for the
// client's in the access log the client reads.
func (s *Service) checkStaffMFA(login Login) error {
	col := login.Record.Collection()
	if !login.Refreshable {
		if col.Name != schema.Users {
			return apierr.Errorf(apierr.CodeForbidden, "A device cannot be registered with an impersonation token: the client logs in on the device themselves.").
				WithData(map[string]any{"reason": "impersonation"})
		}
		return apierr.Errorf(apierr.CodeMFARequired, "A device cannot be registered with an impersonation token: the staff member logs in on the device themselves.").
			WithData(map[string]any{"reason": "impersonation"})
	}
	if col.Name != schema.Users {
		return nil
	}
	if col.MFA.Enabled && col.MFA.Rule == "" {
		return nil
	}
	if s.cfg.StaffIdPMFA && col.OAuth2.Enabled && !col.PasswordAuth.Enabled && !col.OTP.Enabled {
		return nil
	}
	return apierr.Errorf(apierr.CodeMFARequired, "Staff register a device with a login that passed multi-factor authentication, and it is switched off on this server. Ask the administrator to turn on MFA for staff.").
		WithData(map[string]any{"reason": "mfa_off"})
}
