package schema

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Staff MFA settings: what the migration sets on users. The server checks
// them again when it starts (server/stafflogin.go), so a dashboard change
// that turns them off does not pass unnoticed.
const (
	// StaffOTPLength is the number of digits of a login code: six digits,
	// tried at most 5 times in 3 minutes per person (PocketBase's own limit
	// on auth-with-otp), are as strong as a second factor needs to be and
	// easy to type from a phone's mail app.
	StaffOTPLength = 6
	// StaffOTPSeconds is how long a login code is valid.
	StaffOTPSeconds = 300
	// StaffMFASeconds is how long the first step of a login (the
	// password) waits for the second (the code).
	StaffMFASeconds = 600
)

// staffOTPTemplate is the mail with the login code, in Dutch at B1 level.
// {OTP} is PocketBase's placeholder. The name is written out: PocketBase's
// {APP_NAME} is "Acme" until someone sets it in the dashboard.
var staffOTPTemplate = core.EmailTemplate{
	Subject: "Je inlogcode voor Samenspel",
	Body: `<p>Hallo,</p>
<p>Je logt in bij Samenspel. Je inlogcode is:</p>
<p><strong style="font-size:1.5em;letter-spacing:0.1em">{OTP}</strong></p>
<p>De code werkt 5 minuten en maar één keer.</p>
<p>Probeerde je niet in te loggen? Dan kent iemand anders je wachtwoord. Verander je wachtwoord en meld het bij je coördinator.</p>`,
}

// Staff log in with two factors: their password and a one-time code sent
// to their e-mail address (PocketBase's own MFA and OTP). Clients are not
// staff and keep logging in as before.
//
// Logins made before this migration passed one factor only, so every
// staff member's tokenKey is renewed: their PocketBase tokens and the
// device tokens bound to them (sync/token.go) end, and each logs in once
// more, with the code. Device registration relies on this: with MFA on,
// a normal PocketBase token for users proves that both factors passed
// (sync/devices_login.go).
func init() {
	m.Register(func(app core.App) error { return requireCodeLogin(app, Users, staffOTPTemplate) }, nil)
}

// requireCodeLogin turns on PocketBase's OTP and MFA for every account of
// an auth collection (a code of StaffOTPLength digits by e-mail, after
// the password or another first factor; no MFA rule, which would let
// some log in with one factor) and ends every login made before, which
// passed one factor only.
func requireCodeLogin(app core.App, collection string, mail core.EmailTemplate) error {
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	c.OTP.Enabled = true
	c.OTP.Length = StaffOTPLength
	c.OTP.Duration = StaffOTPSeconds
	c.OTP.EmailTemplate = mail
	c.MFA.Enabled = true
	c.MFA.Duration = StaffMFASeconds
	c.MFA.Rule = ""
	if err := app.Save(c); err != nil {
		return fmt.Errorf("turn on mfa for %s: %w", collection, err)
	}
	accounts, err := app.FindAllRecords(collection)
	if err != nil {
		return err
	}
	for _, r := range accounts {
		r.RefreshTokenKey()
		if err := app.SaveNoValidate(r); err != nil {
			return fmt.Errorf("end the login of %s %s: %w", collection, r.Id, err)
		}
	}
	return nil
}
