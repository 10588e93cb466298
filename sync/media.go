package sync

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/internal/apierr"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/storage"
)

// MediaConfig configures photos. Store nil disables the media endpoints.
type MediaConfig struct {
	Store      storage.Store
	MaxBytes   int64         // largest photo accepted; 20 MiB by default
	UploadTTL  time.Duration // how long a presigned upload URL works
	ContentTTL time.Duration // how long a presigned download URL works
	PendingTTL time.Duration // announced photos never completed, and objects no record points to, are removed after this
}

const defaultMaxPhotoBytes = 20 << 20

// Object keys: an upload waits under uploads/<media id> until complete;
// the cleaned photo lives under photos/<team>/<sha256>.<ext>, shared by
// every media record of that team with the same bytes.
func uploadKey(mediaID string) string { return "uploads/" + mediaID }

// UploadOpen reports whether key is the upload key of a photo still
// pending: the only objects a presigned upload may write. Once the photo is
// stored (or deleted) its upload is closed, though its ticket has not
// expired; a storage that can check before it takes an upload asks this
// (storage.LocalConfig.PutOpen). Errors are the database's.
func (s *Service) UploadOpen(ctx context.Context, key string) (bool, error) {
	id, ok := strings.CutPrefix(key, uploadKey(""))
	if !ok || id == "" {
		return false, nil
	}
	var n int
	err := s.app.DB().NewQuery("SELECT count(*) FROM {{media}} WHERE [[id]] = {:id} AND [[status]] = {:pending}").
		WithContext(ctx).Bind(dbx.Params{"id": id, "pending": schema.MediaPending}).Row(&n)
	if err != nil {
		return false, fmt.Errorf("upload open: %w", err)
	}
	return n > 0, nil
}

func photoKey(team, sha, contentType string) string {
	ext := ".jpg"
	if contentType == "image/png" {
		ext = ".png"
	}
	return "photos/" + team + "/" + sha + ext
}

// MediaAnnounce is the body of POST /media.
type MediaAnnounce struct {
	ID          string `json:"id"`
	Observation string `json:"observation"`
	SHA256      string `json:"sha256"`
	Size        int64  `json:"size"`
	ContentType string `json:"content_type"`
}

// MediaTicket is the answer to an announce: where to upload, if anything.
type MediaTicket struct {
	ID     string           `json:"id"`
	Status string           `json:"status"`
	Upload *storage.Request `json:"upload,omitempty"`
}

var sha256Pattern = regexp.MustCompile(`^[a-f0-9]{64}$`)

// allowedTypes are the photo types the server stores.
var allowedTypes = map[string]bool{"image/jpeg": true, "image/png": true}

func unsupportedType(got string) *apierr.Error {
	return apierr.Errorf(apierr.CodeUnsupportedMediaType,
		"Photos must be JPEG or PNG (got %s). Convert HEIC/HEIF photos to JPEG on the phone before uploading.", got).
		WithData(map[string]any{"allowed": []string{"image/jpeg", "image/png"}})
}

func (s *Service) validateAnnounce(a MediaAnnounce) error {
	fields := map[string]any{}
	if !recordIDPattern.MatchString(a.ID) {
		fields["id"] = "15 characters of a-z and 0-9"
	}
	if !recordIDPattern.MatchString(a.Observation) {
		fields["observation"] = "the id of an observation"
	}
	if !sha256Pattern.MatchString(a.SHA256) {
		fields["sha256"] = "64 lowercase hex digits"
	}
	if a.Size <= 0 {
		fields["size"] = "a positive number of bytes"
	}
	if len(fields) > 0 {
		return apierr.Errorf(apierr.CodeInvalidRequest, "The photo announcement has invalid fields.").WithData(fields)
	}
	if a.Size > s.cfg.Media.MaxBytes {
		return apierr.Errorf(apierr.CodePayloadTooLarge, "A photo may be at most %d bytes.", s.cfg.Media.MaxBytes).
			WithData(map[string]any{"max_bytes": s.cfg.Media.MaxBytes})
	}
	if !allowedTypes[a.ContentType] {
		return unsupportedType(a.ContentType)
	}
	return nil
}

// Announce registers a photo a device is about to upload and returns a
// presigned upload, or status stored when the team already has these
// bytes. Announcing the same id again is idempotent (a fresh URL while it
// is pending). The media record is written like any other, so it syncs.
func (s *Service) Announce(ctx context.Context, dev *Device, a MediaAnnounce) (*MediaTicket, error) {
	if s.cfg.Media.Store == nil {
		return nil, apierr.Errorf(apierr.CodeNotFound, "Photo storage is not configured on this server.")
	}
	if err := s.validateAnnounce(a); err != nil {
		return nil, err
	}
	var ticket *MediaTicket
	err := s.app.RunInTransaction(func(tx core.App) error {
		var err error
		ticket, err = s.announce(tx, dev, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	if ticket.Status == schema.MediaPending {
		req, err := s.cfg.Media.Store.PresignPut(ctx, uploadKey(a.ID), storage.PutPolicy{
			Expires: s.cfg.Media.UploadTTL, Size: a.Size, SHA256: a.SHA256, ContentType: a.ContentType,
		})
		if err != nil {
			return nil, fmt.Errorf("presign upload: %w", err)
		}
		ticket.Upload = &req
	}
	return ticket, nil
}

func (s *Service) announce(tx core.App, dev *Device, a MediaAnnounce) (*MediaTicket, error) {
	col, err := tx.FindCachedCollectionByNameOrId(schema.Media)
	if err != nil {
		return nil, err
	}
	if existing, err := tx.FindRecordById(col, a.ID); err == nil {
		return s.reannounce(tx, dev, existing, a)
	}
	r := core.NewRecord(col)
	r.Id = a.ID
	data := map[string]any{"observation": a.Observation, "sha256": a.SHA256, "size": a.Size, "content_type": a.ContentType, "status": schema.MediaPending}
	for k, v := range data {
		r.Set(k, v)
	}
	ok, err := canCreate(tx, r, schema.RequestInfo(dev.Person, "POST", data))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, s.observationDenied(tx, dev, a.Observation)
	}
	scope, err := schema.ScopeOf(tx.DB(), schema.Observations, a.Observation)
	if err != nil {
		return nil, err
	}
	status := schema.MediaPending
	if key, ctype, found, err := teamCopy(tx, scope.Team, a.SHA256); err != nil {
		return nil, err
	} else if found {
		// Deduplicated within the team only: another team's copy is never
		// revealed or reused.
		status = schema.MediaStored
		r.Set(schema.FieldObjectKey, key)
		r.Set("content_type", ctype)
	}
	r.Set(schema.FieldStatus, status)
	schema.SetAuthor(r, dev.PersonKey())
	schema.SetAuthorDevice(r, dev.ID)
	schema.SetTrusted(r) // the server set status and key
	if err := saveRecord(tx, r); err != nil {
		return nil, err
	}
	return &MediaTicket{ID: r.Id, Status: status}, nil
}

// reannounce answers an announce of an id that exists: the same photo
// announced again (idempotent), or a clash.
func (s *Service) reannounce(tx core.App, dev *Device, r *core.Record, a MediaAnnounce) (*MediaTicket, error) {
	if ok, err := canAccess(tx, r, schema.RequestInfo(dev.Person, "GET", nil), r.Collection().ViewRule); err != nil {
		return nil, err
	} else if !ok {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "A record with this id already exists.").WithData(map[string]any{"id": "already exists"})
	}
	if r.GetString(schema.FieldObservation) != a.Observation || r.GetString(schema.FieldSHA256) != a.SHA256 || int64(r.GetInt("size")) != a.Size {
		return nil, apierr.Errorf(apierr.CodeInvalidRequest, "This photo id was announced with other bytes; use a new id.").
			WithData(map[string]any{"id": "announced with another observation, sha256 or size"})
	}
	return &MediaTicket{ID: r.Id, Status: r.GetString(schema.FieldStatus)}, nil
}

// observationDenied says why a person cannot add a photo: not_found when
// they cannot see the observation, forbidden when they can.
func (s *Service) observationDenied(tx core.App, dev *Device, observation string) error {
	obs, err := tx.FindRecordById(schema.Observations, observation)
	if err != nil {
		return apierr.Errorf(apierr.CodeNotFound, "No such observation.").WithData(map[string]any{"observation": "not found"})
	}
	return denied(tx, obs, dev.Person)
}

// teamCopy finds a stored photo with these bytes in the team.
func teamCopy(tx core.App, team, sha string) (key, contentType string, found bool, err error) {
	err = tx.DB().NewQuery(`SELECT m.object_key, m.content_type FROM media m
		JOIN observations o ON o.id = m.observation JOIN safaris s ON s.id = o.safari
		WHERE m.sha256 = {:sha} AND m.status = 'stored' AND m.object_key != '' AND s.team = {:team} LIMIT 1`).
		Bind(dbx.Params{"sha": sha, "team": team}).Row(&key, &contentType)
	if isNoRows(err) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("find team copy: %w", err)
	}
	return key, contentType, true, nil
}

// mediaFor loads a media record the device's person may see (else
// not_found, never revealing that it exists).
func (s *Service) mediaFor(person *core.Record, id string) (*core.Record, error) {
	r, err := s.app.FindRecordById(schema.Media, id)
	if err != nil {
		return nil, apierr.Errorf(apierr.CodeNotFound, "No such photo.")
	}
	ok, err := canAccess(s.app, r, schema.RequestInfo(person, "GET", nil), r.Collection().ViewRule)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.Errorf(apierr.CodeNotFound, "No such photo.")
	}
	return r, nil
}
