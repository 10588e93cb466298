package server

import (
	"fmt"
	"io"
	"os"
	"strings"
	gosync "sync"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/samenspel/samenspel/schema"
)

// How staff log in (docs/staff-login.md): password and a one-time code by
// e-mail, PocketBase's own MFA, which migration 1795871256 turns on for
// users; and, when configured, the organisation's identity provider as
// PocketBase's "oidc" OAuth2 provider. The hooks here keep that so: they
// refuse to start or to save a users collection without MFA unless the
// configuration says the identity provider does MFA, send login codes to
// the log when there is no SMTP server, and never make a staff account
// from an OIDC login (coordinators make staff accounts).

// idpLoginKey marks a request whose OIDC login the identity provider
// vouches for (StaffMFAIdP): it needs no second factor from us.
const idpLoginKey = "samenspelIdPLogin"

// registerStaffLogin binds the staff login hooks.
func registerStaffLogin(app core.App, cfg *Config) {
	out := mailLog(cfg)
	app.OnMailerRecordOTPSend().Bind(&hook.Handler[*core.MailerRecordEvent]{
		Id:   "samenspelOTPWithoutSMTP",
		Func: func(e *core.MailerRecordEvent) error { return otpWithoutSMTP(e, out) },
	})
	app.OnRecordAuthWithOAuth2Request(schema.Users).Bind(&hook.Handler[*core.RecordAuthWithOAuth2RequestEvent]{
		Id:   "samenspelStaffOIDCLogin",
		Func: func(e *core.RecordAuthWithOAuth2RequestEvent) error { return staffOIDCLogin(e, cfg.Staff) },
	})
	app.OnRecordAuthRequest(schema.Users).Bind(&hook.Handler[*core.RecordAuthRequestEvent]{
		Id:   "samenspelIdPDoesMFA",
		Func: idpDoesMFA,
	})
	app.OnCollectionUpdateRequest().Bind(&hook.Handler[*core.CollectionRequestEvent]{
		Id: "samenspelKeepStaffMFA",
		Func: func(e *core.CollectionRequestEvent) error {
			var err error
			switch e.Collection.Name {
			case schema.Users:
				err = checkStaffMFA(e.Collection, cfg.Staff)
			case core.CollectionNameSuperusers:
				err = checkSuperuserMFA(e.Collection, cfg.Staff)
			}
			if err != nil {
				return e.BadRequestError(err.Error(), nil)
			}
			return e.Next()
		},
	})
}

// startStaffLogin runs when the server starts: it sets the configured
// OIDC provider on users, then refuses to start when staff could log in
// with one factor, and warns when login codes go to the log.
func startStaffLogin(app core.App, cfg *Config) error {
	out := mailLog(cfg)
	users, err := app.FindCollectionByNameOrId(schema.Users)
	if err != nil {
		return err
	}
	if cfg.Staff.OIDC.Enabled() {
		setOIDCProvider(users, cfg.Staff.OIDC)
		if err := app.Save(users); err != nil {
			return fmt.Errorf("set the OIDC provider on users: %w", err)
		}
	}
	if err := checkStaffMFA(users, cfg.Staff); err != nil {
		return err
	}
	su, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return err
	}
	if err := checkSuperuserMFA(su, cfg.Staff); err != nil {
		return err
	}
	if !app.Settings().SMTP.Enabled && users.OTP.Enabled {
		warnNoSMTP(app, out)
	}
	return nil
}

func mailLog(cfg *Config) io.Writer {
	if cfg.MailLog != nil {
		return cfg.MailLog
	}
	return os.Stderr
}

// checkStaffMFA is the rule for the users collection's auth options: with
// MFA mode "otp", PocketBase's MFA and OTP are on for everyone (no MFA
// rule); with "idp", an OIDC provider is set up and either MFA is on too
// (for password logins) or password and code logins are off, so that the
// identity provider is the only way in. The error names the way back.
func checkStaffMFA(users *core.Collection, st StaffLoginConfig) error {
	mfaOn := users.MFA.Enabled && users.MFA.Rule == "" && users.OTP.Enabled
	if st.MFA == StaffMFAOTP {
		if !mfaOn {
			return fmt.Errorf("staff (users) must log in with two factors: turn MFA and OTP on again for users, with an empty MFA rule; " +
				"if the organisation's identity provider does MFA and staff log in through it, set SAMENSPEL_STAFF_MFA=idp (docs/staff-login.md)")
		}
		return nil
	}
	if _, ok := users.OAuth2.GetProviderConfig(auth.NameOIDC); !ok || !users.OAuth2.Enabled {
		return fmt.Errorf("SAMENSPEL_STAFF_MFA=idp: users has no enabled OIDC provider; set SAMENSPEL_OIDC_* (docs/staff-login.md)")
	}
	if !mfaOn && (users.PasswordAuth.Enabled || users.OTP.Enabled) {
		return fmt.Errorf("SAMENSPEL_STAFF_MFA=idp with MFA off for users: staff could log in with a password alone; " +
			"turn MFA and OTP on for users, or turn password and OTP logins off so that staff log in through the identity provider only")
	}
	return nil
}

// checkSuperuserMFA is the rule for the superusers' auth options: with
// SuperuserMFA "otp", MFA and OTP are on for every superuser (migration
// 1795871262); "off" leaves them as the dashboard has them. (PocketBase
// itself keeps MFA on for superusers while OTP is on.)
func checkSuperuserMFA(su *core.Collection, st StaffLoginConfig) error {
	if st.SuperuserMFA == SuperuserMFAOff || (su.MFA.Enabled && su.MFA.Rule == "" && su.OTP.Enabled) {
		return nil
	}
	return fmt.Errorf("superusers must log in to the dashboard with two factors: turn MFA and OTP on again for _superusers, with an empty MFA rule; " +
		"if the dashboard is reachable only through the organisation's own login, set SAMENSPEL_SUPERUSER_MFA=off (docs/staff-login.md)")
}

// setOIDCProvider puts the configured OIDC provider on users as
// PocketBase's "oidc" provider, replacing one set before. New accounts
// are never made from it (staffOIDCLogin), so no fields are mapped.
func setOIDCProvider(users *core.Collection, o OIDCConfig) {
	p := core.OAuth2ProviderConfig{
		Name: auth.NameOIDC, ClientId: o.ClientID, ClientSecret: o.ClientSecret,
		AuthURL: o.AuthURL, TokenURL: o.TokenURL, UserInfoURL: o.UserInfoURL, DisplayName: o.DisplayName,
		Extra: map[string]any{},
	}
	if o.Issuer != "" {
		p.Extra["issuers"] = []string{o.Issuer}
	}
	if o.JWKSURL != "" {
		p.Extra["jwksURL"] = o.JWKSURL
	}
	providers := []core.OAuth2ProviderConfig{p}
	for _, q := range users.OAuth2.Providers {
		if q.Name != auth.NameOIDC {
			providers = append(providers, q)
		}
	}
	users.OAuth2.Providers = providers
	users.OAuth2.Enabled = true
}

// staffOIDCLogin matches an OIDC login to an existing staff member and
// refuses anyone else: staff accounts are made by coordinators, never by
// a login. PocketBase matches by the provider's user id (after a first
// login) or by a verified e-mail address. Identity providers such as
// Microsoft Entra ID do not send "email_verified" at all; an address from
// the organisation's own provider, without that claim, is taken as
// verified (an explicit false is not). This is why the provider must be
// the organisation's own tenant (docs/staff-login.md).
func staffOIDCLogin(e *core.RecordAuthWithOAuth2RequestEvent, st StaffLoginConfig) error {
	if e.ProviderName != auth.NameOIDC {
		return e.Next()
	}
	u := e.OAuth2User
	if u != nil && u.Email == "" {
		_, stated := u.RawUser["email_verified"]
		if email, _ := u.RawUser["email"].(string); email != "" && !stated {
			u.Email = email
			if e.Record == nil {
				if r, err := e.App.FindAuthRecordByEmail(e.Collection, email); err == nil {
					e.Record = r
					e.IsNewRecord = false
				}
			}
		}
	}
	if e.Record == nil {
		return e.ForbiddenError("There is no staff account with this e-mail address. A coordinator makes staff accounts.", nil)
	}
	if st.MFA == StaffMFAIdP {
		e.Set(idpLoginKey, true)
	}
	return e.Next()
}

// idpDoesMFA skips PocketBase's second factor for an OIDC login the
// identity provider vouches for (staffOIDCLogin marked it). An empty auth
// method is PocketBase's way to skip MFA (it also skips the new-device
// login alert, which the identity provider sends if it is set up to).
func idpDoesMFA(e *core.RecordAuthRequestEvent) error {
	if e.AuthMethod == core.MFAMethodOAuth2 && e.Get(idpLoginKey) == true {
		e.AuthMethod = ""
	}
	return e.Next()
}

// otpWithoutSMTP writes a login code mail to out and the app's log when
// no SMTP server is configured, instead of handing it to sendmail (which
// PocketBase falls back to, and which a newcomer's machine or a container
// does not have). With SMTP set up, the mail goes out as PocketBase sends
// it.
func otpWithoutSMTP(e *core.MailerRecordEvent, out io.Writer) error {
	if e.App.Settings().SMTP.Enabled {
		return e.Next()
	}
	code, _ := e.Meta["password"].(string)
	e.Mailer = logMailer{app: e.App, out: out, code: code}
	return e.Next()
}

// logMailer "sends" a login code mail by writing it to the log.
type logMailer struct {
	app  core.App
	out  io.Writer
	code string
}

var logMu gosync.Mutex

func (m logMailer) Send(msg *mailer.Message) error {
	var to []string
	for _, a := range msg.To {
		to = append(to, a.Address)
	}
	logMu.Lock()
	fmt.Fprintf(m.out, "\n!!! NO SMTP SERVER: this mail was not sent, it is written here instead (Settings > Mail settings in /_/ sets up SMTP)\n"+
		"!!! to %s: %s\n!!! login code: %s\n\n", strings.Join(to, ", "), msg.Subject, m.code)
	logMu.Unlock()
	m.app.Logger().Warn("no SMTP server: login code written to the log instead of mailed", "to", strings.Join(to, ", "), "code", m.code)
	return nil
}

var _ mailer.Mailer = logMailer{}

func warnNoSMTP(app core.App, out io.Writer) {
	logMu.Lock()
	fmt.Fprintln(out, "\n!!! WARNING: no SMTP server is configured. Staff and superusers log in with a password and a code by e-mail;\n"+
		"!!! the codes are written to this log instead of mailed. Fine for a demo, not for real use:\n"+
		"!!! set up SMTP in the dashboard (/_/, Settings > Mail settings). See docs/staff-login.md.")
	logMu.Unlock()
	app.Logger().Warn("no SMTP server: staff login codes are written to the log instead of mailed")
}
