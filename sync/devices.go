package sync

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
)

// Device is an authenticated device: who holds it and what they may see.
type Device struct {
	ID            string // the device's own id (device_id)
	RecordID      string // its sync_devices record
	Person        *core.Record
	Principal     schema.Principal
	SchemaVersion int
}

// PersonKey names the device's person as "collection:id".
func (d *Device) PersonKey() string { return d.Principal.Collection + ":" + d.Principal.ID }

// RegisterRequest is the body of POST /devices.
type RegisterRequest struct {
	DeviceID      string `json:"device_id"`
	Platform      string `json:"platform"`
	AppVersion    string `json:"app_version"`
	SchemaVersion *int   `json:"schema_version"`
}

// RegisterResponse is its answer.
type RegisterResponse struct {
	DeviceID  string `json:"device_id"`
	Token     string `json:"token"`
	ExpiresAt string `json:"expires_at"`

	History             string `json:"history"`               // the feed's epoch (replay.go)
	ReplayWindowSeconds int64  `json:"replay_window_seconds"` // how long to keep acknowledged mutations
}

var deviceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

func (r *RegisterRequest) validate() error {
	fields := map[string]any{}
	if !deviceIDPattern.MatchString(r.DeviceID) {
		fields["device_id"] = "required: 1 to 64 characters of A-Z a-z 0-9 _ -"
	}
	if len(r.Platform) > 30 {
		fields["platform"] = "at most 30 characters"
	}
	if len(r.AppVersion) > 30 {
		fields["app_version"] = "at most 30 characters"
	}
	if r.SchemaVersion == nil || *r.SchemaVersion < 0 {
		fields["schema_version"] = "required: a non-negative integer"
	}
	if len(fields) > 0 {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The device registration has invalid fields.").WithData(fields)
	}
	return nil
}

// Register registers (or re-registers) a device for the person of a
// PocketBase login and returns a fresh device token. Staff need a login
// that passed MFA (checkStaffMFA), or the answer is mfa_required; nobody
// registers with a superuser's impersonation token. Re-registering
// is idempotent. A device belongs to the person who registered it first:
// device ids are not secrets (they show in mutation ids), so anyone else's
// registration of the id is forbidden and leaves the device alone, without
// saying whose it is or in what state. A revoked device id stays revoked:
// the app must wipe its data and use a new id.
func (s *Service) Register(login Login, req RegisterRequest) (*RegisterResponse, error) {
	auth := login.Record
	if auth == nil {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "Log in to register a device.")
	}
	if auth.Collection().Name != schema.Users && auth.Collection().Name != schema.Clients {
		return nil, apierr.Errorf(apierr.CodeForbidden, "Only staff and clients can register a device.")
	}
	if err := s.checkStaffMFA(login); err != nil {
		return nil, err
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	if *req.SchemaVersion < s.cfg.MinSchemaVersion {
		return nil, upgradeRequired(*req.SchemaVersion, s.cfg.MinSchemaVersion)
	}
	col, err := s.app.FindCachedCollectionByNameOrId(schema.SyncDevices)
	if err != nil {
		return nil, err
	}
	dev, err := s.app.FindFirstRecordByData(col, "device_id", req.DeviceID)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		dev = core.NewRecord(col)
		dev.Set("device_id", req.DeviceID)
	case err != nil:
		return nil, fmt.Errorf("find device: %w", err)
	case dev.GetString("owner") != auth.Id || dev.GetString("owner_collection") != auth.Collection().Name:
		return nil, apierr.Errorf(apierr.CodeForbidden, "This device id is in use. Make a new device id for this installation and register again.").
			WithData(map[string]any{"device_id": "in use"})
	case !dev.GetDateTime("revoked_at").IsZero():
		return nil, apierr.Errorf(apierr.CodeDeviceRevoked, "This device was revoked. Wipe its local data and register with a new device id.")
	}
	dev.Set("owner_collection", auth.Collection().Name)
	dev.Set("owner", auth.Id)
	dev.Set("platform", req.Platform)
	dev.Set("app_version", req.AppVersion)
	dev.Set("schema_version", *req.SchemaVersion)
	err = s.app.RunInTransaction(func(tx core.App) error {
		if dev.IsNew() {
			if err := s.checkDeviceCap(tx, auth); err != nil {
				return err
			}
		}
		return tx.Save(dev)
	})
	if err != nil {
		return nil, fmt.Errorf("save device: %w", err)
	}
	tok, exp, err := s.signDeviceToken(auth, req.DeviceID, s.cfg.Now())
	if err != nil {
		return nil, err
	}
	epoch, err := history(s.app.DB())
	if err != nil {
		return nil, err
	}
	return &RegisterResponse{DeviceID: req.DeviceID, Token: tok, ExpiresAt: exp.Format(time.RFC3339),
		History: epoch, ReplayWindowSeconds: s.replayWindow()}, nil
}

// checkDeviceCap refuses a new device to a person who has the most active
// devices allowed: the rate limit is per device (and per person), and
// device ids are free to make. Run it in the transaction that saves the
// device, so two registrations at once cannot both pass.
func (s *Service) checkDeviceCap(tx core.App, auth *core.Record) error {
	var n int
	err := tx.DB().Select("count(*)").From(schema.SyncDevices).
		Where(dbx.HashExp{"owner_collection": auth.Collection().Name, "owner": auth.Id}).
		AndWhere(dbx.NewExp("coalesce(revoked_at, '') = ''")).Row(&n)
	if err != nil {
		return fmt.Errorf("count devices: %w", err)
	}
	if n >= s.cfg.MaxDevices {
		return apierr.Errorf(apierr.CodeForbidden, "You have %d active devices, the most allowed. Revoke a device you no longer use, then register this one.", n).
			WithData(map[string]any{"max_devices": s.cfg.MaxDevices})
	}
	return nil
}

// Revoke revokes a device for its owner or a coordinator; anyone else gets
// not_found, so device ids of others cannot be probed. Revoking twice is
// not an error.
func (s *Service) Revoke(auth *core.Record, deviceID string) error {
	if auth == nil {
		return apierr.Errorf(apierr.CodeUnauthorized, "Log in to revoke a device.")
	}
	dev, err := s.app.FindFirstRecordByData(schema.SyncDevices, "device_id", deviceID)
	if errors.Is(err, sql.ErrNoRows) {
		return apierr.Errorf(apierr.CodeNotFound, "No such device.")
	}
	if err != nil {
		return fmt.Errorf("find device: %w", err)
	}
	p := schema.PrincipalOf(auth)
	owner := dev.GetString("owner") == auth.Id && dev.GetString("owner_collection") == auth.Collection().Name
	if !owner && !(p.Collection == schema.Users && p.Role == schema.RoleCoordinator) {
		return apierr.Errorf(apierr.CodeNotFound, "No such device.")
	}
	if !dev.GetDateTime("revoked_at").IsZero() {
		return nil
	}
	dev.Set("revoked_at", time.Now().UTC())
	dev.Set("revoked_by", schema.AuthorOf(auth))
	return s.app.Save(dev)
}

// Authenticate checks a device token and the state behind it on every
// request: the device exists, is not revoked and still belongs to the
// token's person, who exists, is not disabled and has the login (tokenKey)
// the token was made under: a password change ends device tokens as it
// ends PocketBase's own. schemaVersion is the
// request's X-Schema-Version, or -1 when absent.
func (s *Service) Authenticate(token string, schemaVersion int) (*Device, error) {
	claims, err := s.parseDeviceToken(token)
	if err != nil {
		return nil, err
	}
	row, person, err := s.deviceState(claims)
	if err != nil {
		return nil, err
	}
	if row.RevokedAt != "" {
		return nil, apierr.Errorf(apierr.CodeDeviceRevoked, "This device was revoked. Wipe its local data.")
	}
	if row.Owner != claims.Subject || row.OwnerCol != claims.Collection {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "This device now belongs to someone else. Log in again.")
	}
	if claims.Collection != schema.Users && claims.Collection != schema.Clients {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "The device token is not valid.")
	}
	if person == nil {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "This account no longer exists.")
	}
	if person.GetBool(schema.FieldDisabled) {
		return nil, apierr.Errorf(apierr.CodeUnauthorized, "This account is disabled.")
	}
	if err := s.checkLogin(claims, person); err != nil {
		return nil, err
	}
	if schemaVersion < 0 {
		schemaVersion = row.Schema // no X-Schema-Version: the version it registered with
	}
	if schemaVersion < s.cfg.MinSchemaVersion {
		return nil, upgradeRequired(schemaVersion, s.cfg.MinSchemaVersion)
	}
	return &Device{ID: claims.Device, RecordID: row.ID, Person: person, Principal: schema.PrincipalOf(person), SchemaVersion: schemaVersion}, nil
}

// deviceState reads the device's row and its owner's record (nil when the
// claimed owner does not exist), from the cache when fresh (devices_auth.go).
func (s *Service) deviceState(claims *deviceClaims) (deviceRow, *core.Record, error) {
	k := authKey{claims.Device, claims.Collection, claims.Subject}
	now := time.Now()
	if row, person, ok := s.auth.get(k, now); ok {
		return row, person, nil
	}
	gen := s.auth.generation()
	var row deviceRow
	err := s.app.DB().Select("id", "owner_collection", "owner", "COALESCE(revoked_at, '') AS revoked_at", "schema_version").From(schema.SyncDevices).
		Where(dbx.HashExp{"device_id": claims.Device}).One(&row)
	if errors.Is(err, sql.ErrNoRows) {
		return row, nil, apierr.Errorf(apierr.CodeUnauthorized, "This device is not registered.")
	}
	if err != nil {
		return row, nil, fmt.Errorf("find device: %w", err)
	}
	if row.Owner != claims.Subject || row.OwnerCol != claims.Collection || (claims.Collection != schema.Users && claims.Collection != schema.Clients) {
		return row, nil, nil // refused by the caller; not worth keeping
	}
	person, err := s.app.FindRecordById(claims.Collection, claims.Subject)
	if err != nil {
		if isNoRows(err) {
			return row, nil, nil
		}
		return row, nil, fmt.Errorf("find account: %w", err)
	}
	s.auth.put(k, gen, now, row, person)
	return row, person, nil
}

func upgradeRequired(have, min int) error {
	return apierr.Errorf(apierr.CodeUpgradeRequired, "This app is too old for the server: update the app.").
		WithData(map[string]any{"schema_version": have, "min_schema_version": min})
}
