package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// superuserOTPTemplate is the login code mail for superusers (the
// dashboard, /_/), in Dutch as the staff mail.
var superuserOTPTemplate = core.EmailTemplate{
	Subject: "Je inlogcode voor het beheer van Samenspel",
	Body: `<p>Hallo,</p>
<p>Je logt in op het beheer (dashboard) van Samenspel. Je inlogcode is:</p>
<p><strong style="font-size:1.5em;letter-spacing:0.1em">{OTP}</strong></p>
<p>De code werkt 5 minuten en maar één keer.</p>
<p>Probeerde je niet in te loggen? Dan kent iemand anders je wachtwoord. Verander het meteen.</p>`,
}

// Superusers log in to the dashboard with two factors too, as staff do
// (1795871256): a superuser can read every client's plan and act as
// anyone, so a password alone is less than a care record asks for. The
// code goes by e-mail, or, without SMTP, to the server's log; and
// `samenspel superuser otp EMAIL` makes one on the server itself.
//
// Logins made before passed one factor only: every superuser's tokenKey
// is renewed, so their dashboard sessions end.
func init() {
	m.Register(func(app core.App) error {
		return requireCodeLogin(app, core.CollectionNameSuperusers, superuserOTPTemplate)
	}, nil)
}
