package invite

import (
	"database/sql"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// InfoResponse is the answer of GET /api/invites/v1/{code}: enough for
// the page to greet the client. Username is set when they have one.
type InfoResponse struct {
	ClientName string    `json:"client_name"`
	TeamName   string    `json:"team_name"`
	ExpiresAt  time.Time `json:"expires_at"`
	Username   string    `json:"username,omitempty"`
}

// AcceptRequest is the body of POST /api/invites/v1/{code}/accept.
type AcceptRequest struct {
	Password        string `json:"password"`
	PasswordConfirm string `json:"password_confirm"`
	Username        string `json:"username"`
}

// AcceptResponse is PocketBase's auth response: the client's token and
// record, as auth-with-password answers (the SDK's authStore.save takes
// both).
type AcceptResponse struct {
	Token  string       `json:"token"`
	Record *core.Record `json:"record"`
}

// Password limits of PocketBase's password field: at least 8 characters,
// at most 71 bytes (bcrypt reads 72).
const (
	minPassword = 8
	maxPassword = 71
)

var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{3,100}$`)

var errBadCode = fail(apierr.CodeNotFound, "This invite code is not valid. Check the link, or ask for a new invite.")

// resolve finds the invite a code names and checks that it can be used
// now. Every refusal of a code of an existing invite for a wrong MAC
// counts as an attempt.
func (s *Service) resolve(app core.App, code string) (inv, client *core.Record, err error) {
	id, mac, ok := parseCode(code)
	if !ok {
		return nil, nil, errBadCode
	}
	inv, err = app.FindRecordById(schema.Invites, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errBadCode
	}
	if err != nil {
		return nil, nil, err
	}
	if inv.GetInt(schema.FieldAttempts) >= MaxAttempts {
		return nil, nil, fail(apierr.CodeInviteLocked, "This invite was tried too often. Ask your begeleider for a new invite.")
	}
	good, err := s.verify(inv.Id, inv.GetString(schema.FieldClient), mac)
	if err != nil {
		return nil, nil, err
	}
	if !good {
		return nil, nil, s.refuse(app, inv.Id, errBadCode)
	}
	if err := s.usable(inv); err != nil {
		return nil, nil, err
	}
	client, err = app.FindRecordById(schema.Clients, inv.GetString(schema.FieldClient))
	if err != nil {
		return nil, nil, errBadCode // the client was deleted (their invites cascade; this is a race)
	}
	if client.GetBool(schema.FieldDisabled) {
		return nil, nil, fail(apierr.CodeAccountDisabled, "This account is disabled. Ask your begeleider.")
	}
	return inv, client, nil
}

// usable checks the invite's life: not used, not replaced, not expired.
func (s *Service) usable(inv *core.Record) error {
	switch {
	case !inv.GetDateTime(schema.FieldUsedAt).IsZero():
		return fail(apierr.CodeInviteUsed, "This invite was used already. Log in with your username and password.")
	case !inv.GetDateTime(schema.FieldRevokedAt).IsZero():
		return fail(apierr.CodeInviteRevoked, "A newer invite replaced this one. Use the newest link.")
	case !s.clock().Before(inv.GetDateTime(schema.FieldExpiresAt).Time()):
		return fail(apierr.CodeInviteExpired, "This invite has expired. Ask your begeleider for a new one.")
	}
	return nil
}

// refuse counts a refused try against an invite and returns err. The
// count is written on its own, outside any transaction the refusal rolls
// back.
func (s *Service) refuse(app core.App, id string, err error) error {
	_, uerr := app.DB().NewQuery("UPDATE " + schema.Invites + " SET " + schema.FieldAttempts + " = " + schema.FieldAttempts + " + 1 WHERE id = {:id}").
		Bind(dbx.Params{"id": id}).Execute()
	if uerr != nil {
		return uerr
	}
	return err
}

// info greets the holder of a valid code.
func (s *Service) info(e *core.RequestEvent) error {
	inv, client, err := s.resolve(e.App, e.Request.PathValue("code"))
	if err != nil {
		return err
	}
	team, err := e.App.FindRecordById(schema.Teams, client.GetString(schema.FieldTeam))
	if err != nil {
		return err
	}
	return e.JSON(http.StatusOK, InfoResponse{
		ClientName: client.GetString(schema.FieldName),
		TeamName:   team.GetString(schema.FieldName),
		ExpiresAt:  inv.GetDateTime(schema.FieldExpiresAt).Time(),
		Username:   client.GetString("username"),
	})
}

// accept sets the client's password (and username, if they have none),
// marks the invite used and logs the client in. A refused accept counts
// as an attempt and changes nothing else.
func (s *Service) accept(e *core.RequestEvent) error {
	inv, client, err := s.resolve(e.App, e.Request.PathValue("code"))
	if err != nil {
		return err
	}
	var req AcceptRequest
	if err := decodeJSON(e, &req); err != nil {
		return s.refuse(e.App, inv.Id, err)
	}
	username, verrs := s.checkAccept(e.App, client, &req)
	if len(verrs) > 0 {
		return s.refuse(e.App, inv.Id, invalid("Some fields are not right.", verrs))
	}

	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(schema.Invites, inv.Id)
		if err != nil {
			return err
		}
		if err := s.usable(fresh); err != nil {
			return err // another accept of the same code came first
		}
		c, err := tx.FindRecordById(schema.Clients, client.Id)
		if err != nil {
			return err
		}
		c.SetPassword(req.Password)
		if username != "" {
			c.Set("username", username)
		}
		schema.SetAuthor(c, schema.AuthorOf(c)) // the client sets up their own account
		if err := tx.Save(c); err != nil {
			return err
		}
		at, _ := types.ParseDateTime(s.clock().UTC())
		fresh.Set(schema.FieldUsedAt, at)
		if err := tx.Save(fresh); err != nil {
			return err
		}
		client = c
		return nil
	})
	if err != nil {
		var verrs validation.Errors
		if errors.As(err, &verrs) {
			return s.refuse(e.App, inv.Id, invalid("Some fields are not right.", verrs))
		}
		return err
	}
	token, err := client.NewAuthToken()
	if err != nil {
		return err
	}
	client.IgnoreEmailVisibility(true)
	return e.JSON(http.StatusOK, AcceptResponse{Token: token, Record: client})
}

// checkAccept validates an accept body for client and returns the
// username to set ("" to keep theirs).
func (s *Service) checkAccept(app core.App, client *core.Record, req *AcceptRequest) (string, validation.Errors) {
	errs := validation.Errors{}
	switch {
	case req.Password == "":
		errs["password"] = validation.NewError("validation_required", "Choose a password.")
	case utf8.RuneCountInString(req.Password) < minPassword:
		errs["password"] = validation.NewError("validation_min_text_constraint", "A password has at least 8 characters.")
	case len(req.Password) > maxPassword:
		errs["password"] = validation.NewError("validation_max_text_constraint", "A password has at most 71 bytes (fewer characters with accents).")
	}
	if req.PasswordConfirm != req.Password {
		errs["password_confirm"] = validation.NewError("validation_values_mismatch", "The two passwords are not the same.")
	}

	have := client.GetString("username")
	want := strings.ToLower(strings.TrimSpace(req.Username))
	switch {
	case have != "" && want != "" && want != have:
		errs["username"] = validation.NewError("validation_username_set", "You already have a username: "+have+".")
	case have != "":
		want = ""
	case want == "":
		errs["username"] = validation.NewError("validation_required", "Choose a username.")
	case !usernamePattern.MatchString(want):
		errs["username"] = validation.NewError("validation_invalid_username", "A username has 3 to 100 characters: letters a-z, digits, dot, dash or underscore.")
	default:
		var n int
		err := app.DB().Select("count(*)").From(schema.Clients).
			Where(dbx.HashExp{"username": want}).AndWhere(dbx.Not(dbx.HashExp{"id": client.Id})).Row(&n)
		if err != nil || n > 0 {
			errs["username"] = validation.NewError("validation_not_unique", "This username is taken. Choose another one.")
		}
	}
	return want, errs
}
