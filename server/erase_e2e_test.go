package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/samenspel/samenspel/backup"
	"github.com/samenspel/samenspel/internal/accesslog"
	"github.com/samenspel/samenspel/internal/servertest"
	"github.com/samenspel/samenspel/schema"
	"github.com/samenspel/samenspel/server"
	"github.com/samenspel/samenspel/server/audit"
	"github.com/samenspel/samenspel/storage"
	"github.com/samenspel/samenspel/storage/storagetest"
	fieldsync "github.com/samenspel/samenspel/sync"
	syncclient "github.com/samenspel/samenspel/sync/client"
)

// TestEraseClient builds a client with distinctive words through REST and
// sync (a plan, a network, an observation with a stored and a pending
// photo, a conflict and a rejection holding their words, an invite, their
// own phone), has a begeleider's phone sync it all, erases the client as a
// coordinator, and then searches every byte of the data dir (data.db,
// auxiliary.db, their -wal and -shm, local photos) and every object in the
// photo storage for the client's name, words and ids: none may be found.
// The begeleider's phone pulls and holds nothing of them any more.
func TestEraseClient(t *testing.T) {
	endpoint, key, secret := storagetest.StartVersityGW(t)
	backends := map[string]func() *server.Config{
		"local": server.DefaultConfig,
		"s3": func() *server.Config {
			cfg := server.DefaultConfig()
			cfg.Storage = server.StorageConfig{Kind: "s3", Endpoint: endpoint, Bucket: "erase-" + randomSuffix(), AccessKey: key, SecretKey: secret,
				Region: "us-east-1", PathStyle: true, PendingTTL: time.Hour}
			return cfg
		},
	}
	for name, cfg := range backends {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runEraseClient(t, cfg(), eraseByEndpoint)
		})
	}
}

// TestEraseClientWithBackup: with continuous backup on, Litestream holds
// a read transaction on data.db and owns its checkpoints; the erasure's
// WAL truncation goes through Litestream, so it neither waits out the
// busy timeout with the write lock held nor leaves the client's words in
// the WAL (the same checks as TestEraseClient), and it takes no longer
// than a few seconds.
func TestEraseClientWithBackup(t *testing.T) {
	t.Parallel()
	endpoint, key, secret := storagetest.StartVersityGW(t)
	bucket := "erase-backup-" + randomSuffix()
	if _, err := storage.NewS3(context.Background(), storage.S3Config{Endpoint: endpoint, Bucket: bucket, AccessKey: key, SecretKey: secret,
		Region: "us-east-1", PathStyle: true}); err != nil {
		t.Fatalf("create the backup bucket: %v", err)
	}
	cfg := server.DefaultConfig()
	cfg.Backup = server.BackupConfig{Kind: "s3", ReplayWindow: 15 * time.Minute, S3: backup.Config{
		Endpoint: endpoint, PathStyle: true, Bucket: bucket, Path: "erase", Region: "us-east-1",
		AccessKey: key, SecretKey: secret, SyncInterval: 200 * time.Millisecond, Retention: time.Hour,
	}}
	runEraseClient(t, cfg, func(t *testing.T, app *tests.TestApp, base string, w *servertest.World, client string) string {
		admin := &restCaller{t: t, base: base, token: servertest.Token(t, servertest.NewSuperuser(t, app, "backup@example.nl"))}
		// The backup's latest state before the erasure holds the client
		// (the search can find them).
		if raw := restoreLatest(t, admin, cfg.Backup.S3); !bytes.Contains(raw, []byte(zwName)) {
			t.Fatal("the backup's latest state before the erasure does not hold the client's name: the search is broken")
		}
		start := time.Now()
		who := eraseByEndpoint(t, app, base, w, client)
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("the erasure took %s with backup on, want a few seconds at most", took)
		}
		// The backup goes on after the erasure's checkpoint, and its
		// latest state restores without the client's words.
		raw := restoreLatest(t, admin, cfg.Backup.S3)
		for _, word := range []string{zwName, zwEmail, zwGoal, zwGoalStaff, zwWhy, zwStep, zwContact, zwObs, zwRejected} {
			if bytes.Contains(raw, []byte(word)) {
				t.Errorf("the backup's latest state holds %q after the erasure", word)
			}
		}
		return who
	})
}

// restoreLatest waits until the backup has every transaction of the
// database, restores its latest state and returns the file's bytes.
func restoreLatest(t *testing.T, admin *restCaller, cfg backup.Config) []byte {
	t.Helper()
	var st backup.Status
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		admin.do("GET", "/api/backup/v1/status", nil, 200, &st)
		if st.LocalTXID > 0 && st.ReplicatedTXID >= st.LocalTXID {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("backup status %+v: not caught up", st)
		}
	}
	path := filepath.Join(t.TempDir(), "restored.db")
	if _, err := backup.Restore(context.Background(), cfg, path, time.Time{}, nil); err != nil {
		t.Fatalf("restore: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestEraseClientByRESTDelete: a delete of the client through
// PocketBase's REST API, as the admin dashboard sends it, erases as
// thoroughly as the endpoint (the same checks as TestEraseClient), for a
// superuser and for a coordinator.
func TestEraseClientByRESTDelete(t *testing.T) {
	for name, how := range map[string]eraseStep{"superuser": eraseByRESTDelete(true), "coordinator": eraseByRESTDelete(false)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runEraseClient(t, server.DefaultConfig(), how)
		})
	}
}

// TestEraseClientByCLI: `samenspel clients erase` at the server's shell,
// while the server runs (and holds the access log open), erases as
// thoroughly, and its erasure is in the access log's one chain.
func TestEraseClientByCLI(t *testing.T) {
	t.Parallel()
	cfg := server.DefaultConfig()
	runEraseClient(t, cfg, func(t *testing.T, app *tests.TestApp, base string, w *servertest.World, client string) string {
		cmd := server.NewClientsCommand(app, cfg)
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetErr(&out)
		cmd.SetArgs([]string{"erase", client, "--by", "the client, by letter"})
		if err := cmd.Execute(); err != nil {
			t.Fatalf("samenspel clients erase: %v\n%s", err, out.String())
		}
		if !strings.Contains(out.String(), "Client erased.") {
			t.Fatalf("samenspel clients erase said:\n%s", out.String())
		}
		return "cli"
	})
}

// eraseStep erases client in runEraseClient and returns the person the
// access log's erase entry must name.
type eraseStep func(t *testing.T, app *tests.TestApp, base string, w *servertest.World, client string) (person string)

// eraseByEndpoint: a coordinator calls the erasure endpoint, which
// answers with what it removed.
func eraseByEndpoint(t *testing.T, app *tests.TestApp, base string, w *servertest.World, client string) string {
	coord := &restCaller{t: t, base: base, token: servertest.Token(t, w.Coord)}
	var res fieldsync.Erasure
	coord.do("POST", strings.Replace(server.ErasePath, "{id}", client, 1), nil, 200, &res)
	if !res.Removed.Compacted || res.Removed.Records < 6 || res.Removed.Conflicts < 1 || res.Removed.Rejections < 1 || res.Removed.Devices != 1 || res.Removed.Invites != 1 || res.Removed.Objects < 2 {
		t.Fatalf("erasure removed %+v", res.Removed)
	}
	return w.Coord.Id
}

// eraseByRESTDelete: DELETE /api/collections/clients/records/{id}, as a
// superuser (the dashboard) or a coordinator; PocketBase's 204.
func eraseByRESTDelete(superuser bool) eraseStep {
	return func(t *testing.T, app *tests.TestApp, base string, w *servertest.World, client string) string {
		who := w.Coord
		if superuser {
			who = servertest.NewSuperuser(t, app, "beheer@example.nl")
		}
		(&restCaller{t: t, base: base, token: servertest.Token(t, who)}).do("DELETE", "/api/collections/clients/records/"+client, nil, 204, nil)
		return who.Id
	}
}

// The client's words: each must be gone after the erasure.
const (
	zwName      = "Zwaantje Erasmusdochter"
	zwUsername  = "zwaantjeerasmus"
	zwEmail     = "zwaantje.erasmus@example.nl"
	zwGoal      = "ik wil naar de Blokkerstraat"
	zwGoalStaff = "Blokkerstraat bezoeken met begeleiding"
	zwWhy       = "daar woonde mijn oma Geertruida"
	zwStep      = "buslijn Kwakkelpad uitzoeken"
	zwContact   = "tante Hillegonda"
	zwObs       = "Bankje bij de Vlinderhof"
	zwRejected  = "geheime wens Ooievaarsnest"
	zwPhotoText = "fotoZwaantjePendingMarker"
)

func runEraseClient(t *testing.T, cfg *server.Config, erase eraseStep) {
	ctx := context.Background()
	app := servertest.NewApp(t, cfg)
	// PocketBase's request log, on as in production (the test app has it off).
	app.Settings().Logs.MaxDays = 5
	if err := app.Save(app.Settings()); err != nil {
		t.Fatal(err)
	}
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	coord := &restCaller{t: t, base: srv.URL, token: servertest.Token(t, w.Coord)}
	bega := &restCaller{t: t, base: srv.URL, token: servertest.Token(t, w.BegA)}

	// The client, made by a coordinator through REST.
	var created struct {
		ID string `json:"id"`
	}
	coord.do("POST", "/api/collections/clients/records", map[string]any{
		"name": zwName, "username": zwUsername, "email": zwEmail, "team": w.TeamA.Id,
		"password": "geheim-wachtwoord-1", "passwordConfirm": "geheim-wachtwoord-1",
	}, 200, &created)
	clientRec, err := app.FindRecordById(schema.Clients, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	// BegA takes them on the safari (REST), and looks them up by name.
	bega.do("PATCH", "/api/collections/safaris/records/"+w.SafariA.Id, map[string]any{"clients+": clientRec.Id}, 200, nil)
	bega.do("GET", "/api/collections/clients/records?filter="+url.QueryEscape("name='"+zwName+"'"), nil, 200, nil)
	bega.do("GET", "/api/collections/clients/records/"+clientRec.Id, nil, 200, nil)
	// An invite for their own phone.
	var inv struct {
		Link string `json:"link"`
	}
	bega.do("POST", "/api/invites/v1", map[string]any{"client": clientRec.Id}, 200, &inv)

	// Their own phone, and BegA's.
	zw := syncclient.New(srv.URL, "zwaantje-phone")
	if err := zw.Register(ctx, servertest.Token(t, clientRec)); err != nil {
		t.Fatal(err)
	}
	bp := syncclient.New(srv.URL, "bega-phone")
	if err := bp.Register(ctx, servertest.Token(t, w.BegA)); err != nil {
		t.Fatal(err)
	}
	mustSync(t, zw)
	mustSync(t, bp)

	// Their plan, network and an observation, pushed from their phone.
	goal := zw.Create("goals", "", map[string]any{"client": clientRec.Id, "title": "naar de stad", "why": zwWhy, "status": "active"})
	contact := zw.Create("network_contacts", "", map[string]any{"client": clientRec.Id, "name": zwContact, "relation": "family", "circle": 1, "status": "active"})
	step := zw.Create("goal_steps", "", map[string]any{"goal": goal, "description": zwStep, "carried_by": "network", "contact": contact})
	obs := zw.Create("observations", "", map[string]any{"safari": w.SafariA.Id, "kind": "place", "title": zwObs, "author_client": clientRec.Id})
	mustSync(t, zw)
	mustSync(t, bp)
	// A conflict with their words: both reword the goal offline; the
	// client's wording stands, BegA's is kept.
	bp.Update("goals", goal, map[string]any{"title": zwGoalStaff})
	zw.Update("goals", goal, map[string]any{"title": zwGoal})
	mustSync(t, bp)
	mustSync(t, zw)
	mustSync(t, bp)
	// A rejection with their words (a field that does not exist).
	zw.Create("goals", "", map[string]any{"client": clientRec.Id, "title": zwRejected, "bogus": zwRejected})
	mustSync(t, zw)
	if len(zw.Rejected) != 1 {
		t.Fatalf("rejected %d mutations, want 1", len(zw.Rejected))
	}

	// Two photos on their observation: one stored through the presigned
	// flow, one announced and uploaded but never completed.
	photoPhone := newPhone(t, srv.URL, w.BegA, "bega-camera")
	stored := withComment(gpsJPEG(t), zwPhotoText)
	storedID := announceAndUpload(t, photoPhone, obs, "photozwaantje01", stored)
	var ticket fieldsync.MediaTicket
	photoPhone.mustJSON("POST", "/api/sync/v1/media/photozwaantje01/complete", nil, 200, &ticket)
	pending := withComment(onePNGJPEG(t), zwPhotoText+"2")
	pendingID := announceAndUpload(t, photoPhone, obs, "photozwaantje02", pending)
	mustSync(t, bp)
	if bp.Store().Get("goals", goal) == nil || bp.Store().Get("media", storedID) == nil {
		t.Fatal("BegA's phone does not hold the client's goal and photo before the erasure")
	}

	store := storeOf(t, app, cfg)
	ids := []string{clientRec.Id, goal, contact, step, obs, storedID, pendingID}
	var inviteIDs, deviceIDs []string
	_ = app.DB().NewQuery("SELECT id FROM invites WHERE client = {:c}").Bind(map[string]any{"c": clientRec.Id}).Column(&inviteIDs)
	_ = app.DB().NewQuery("SELECT id FROM sync_devices WHERE owner = {:c}").Bind(map[string]any{"c": clientRec.Id}).Column(&deviceIDs)
	ids = append(append(ids, inviteIDs...), deviceIDs...)
	sum := sha256.Sum256(stored)
	needles := append([]string{zwName, zwUsername, zwEmail, zwGoal, zwGoalStaff, zwWhy, zwStep, zwContact, zwObs, zwRejected, zwPhotoText,
		hex.EncodeToString(sum[:])}, ids...)

	// Before: the words are there (in the database, the request log and
	// the storage), so the search below can find them.
	flushLogs(t, app)
	if found := searchDataDir(t, app.DataDir(), needles); len(found) == 0 {
		t.Fatal("before the erasure the data dir holds none of the client's words: the search is broken")
	}
	var logged int
	if err := app.AuxDB().NewQuery("SELECT count(*) FROM _logs WHERE instr(data, {:c}) > 0").Bind(map[string]any{"c": "Erasmusdochter"}).Row(&logged); err != nil || logged == 0 {
		t.Fatalf("before the erasure the request log names the client %d times (%v): the search is broken", logged, err)
	}
	if found := searchStore(t, store, []string{zwPhotoText}); len(found) == 0 {
		t.Fatal("before the erasure the storage holds none of the client's photos: the search is broken")
	}
	objectsBefore := listKeys(t, store)

	eraser := erase(t, app, srv.URL, w, clientRec.Id)

	// The phone of BegA pulls: it starts over and holds nothing of them.
	mustSync(t, bp)
	for _, c := range bp.Store().Collections() {
		for _, id := range bp.Store().IDs(c) {
			raw, _ := json.Marshal(bp.Store().Get(c, id))
			for _, n := range needles {
				if strings.Contains(id, n) || bytes.Contains(raw, []byte(n)) {
					t.Errorf("BegA's phone still holds %q in %s/%s", n, c, id)
				}
			}
		}
	}
	if bp.Store().Get("safaris", w.SafariA.Id) == nil || bp.Store().Get("goals", w.GoalA.Id) == nil {
		t.Error("BegA's phone lost the team's other records")
	}
	// Their own phone is gone.
	if err := zw.Sync(ctx); !syncclient.IsCode(err, "unauthorized") {
		t.Errorf("the erased client's phone synced: %v", err)
	}

	// After: not a byte of them in the data dir or the storage. With
	// backup on, Litestream's own files are the backup's (they keep what
	// was replicated for a while: docs/erasure.md), not the database's.
	flushLogs(t, app)
	for _, f := range searchDataDir(t, app.DataDir(), needles) {
		if cfg.Backup.On() && strings.HasPrefix(f, ".data.db-litestream"+string(filepath.Separator)) {
			continue
		}
		t.Errorf("after the erasure: %s", f)
	}
	for _, f := range searchStore(t, store, needles) {
		t.Errorf("after the erasure: %s", f)
	}
	// The access log keeps that the erasure happened, and who did it. (Asked
	// last: PocketBase's request log keeps this request's URL, with the id.)
	var accessed audit.Page
	deadline := time.Now().Add(10 * time.Second)
	for {
		coord.do("GET", audit.EntriesPath+"?client="+clientRec.Id, nil, 200, &accessed)
		if slices.ContainsFunc(accessed.Entries, func(e accesslog.Entry) bool {
			return e.Action == audit.ActionErase && e.Person == eraser && e.OnBehalfOf == ""
		}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the access log has no erasure by %s: %+v", eraser, accessed.Entries)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Whoever wrote it (the server, or the erase command next to it), the
	// log is one intact chain.
	if rep, err := accesslog.Verify(ctx, filepath.Join(app.DataDir(), accesslog.FileName)); err != nil || !rep.OK() {
		t.Errorf("access log after the erasure: %+v, %v", rep, err)
	}

	after := listKeys(t, store)
	for k := range objectsBefore {
		if _, ok := after[k]; ok && (strings.HasPrefix(k, "uploads/photozwaantje") || strings.Contains(k, hex.EncodeToString(sum[:]))) {
			t.Errorf("after the erasure the storage still has %s", k)
		}
	}
}

// TestEraseWho: only coordinators (and superusers) erase; an unknown or
// already erased client is 404; answers are the one error shape.
func TestEraseWho(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	path := func(id string) string { return strings.Replace(server.ErasePath, "{id}", id, 1) }
	as := func(r *core.Record) *restCaller {
		return &restCaller{t: t, base: srv.URL, token: servertest.Token(t, r)}
	}
	(&restCaller{t: t, base: srv.URL}).do("POST", path(w.ClientA.Id), nil, 401, nil)
	for name, r := range map[string]*core.Record{"begeleider": w.BegA, "adviser": w.AdvA, "another client": w.ClientA2} {
		var e struct{ Code string }
		as(r).do("POST", path(w.ClientA.Id), nil, 403, &e)
		if e.Code != "forbidden" {
			t.Errorf("%s: code %q", name, e.Code)
		}
	}
	as(w.ClientA).do("POST", path(w.ClientA.Id), nil, 403, nil) // their own: through a coordinator
	if _, err := app.FindRecordById(schema.Clients, w.ClientA.Id); err != nil {
		t.Fatal("a refused erasure erased")
	}
	coord := as(w.Coord)
	coord.do("POST", path("nietbestaand123"), nil, 404, nil)
	coord.do("POST", path("../../x"), nil, 404, nil)
	coord.do("POST", path(w.ClientA.Id), nil, 200, nil)
	var e struct{ Code string }
	coord.do("POST", path(w.ClientA.Id), nil, 404, &e)
	if e.Code != "not_found" {
		t.Errorf("second erasure: code %q", e.Code)
	}
	as(servertest.NewSuperuser(t, app, "beheer@example.nl")).do("POST", path(w.ClientB.Id), nil, 200, nil)
}

type restCaller struct {
	t     *testing.T
	base  string
	token string
}

func (r *restCaller) do(method, path string, body any, want int, out any) {
	r.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, r.base+path, rd)
	if r.token != "" {
		req.Header.Set("Authorization", r.token)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		r.t.Fatalf("%s %s: status %d, want %d: %s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			r.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

func mustSync(t *testing.T, c *syncclient.Client) {
	t.Helper()
	if err := c.Sync(context.Background()); err != nil {
		t.Fatalf("sync %s: %v", c.DeviceID, err)
	}
}

func announceAndUpload(t *testing.T, p *phone, obs, id string, photo []byte) string {
	t.Helper()
	sum := sha256.Sum256(photo)
	var ticket fieldsync.MediaTicket
	p.mustJSON("POST", "/api/sync/v1/media", map[string]any{"id": id, "observation": obs, "sha256": hex.EncodeToString(sum[:]), "size": len(photo), "content_type": "image/jpeg"}, 200, &ticket)
	if ticket.Upload == nil {
		t.Fatalf("announce %s: %+v", id, ticket)
	}
	if st := upload(t, ticket.Upload, photo); st != 200 {
		t.Fatalf("upload %s: status %d", id, st)
	}
	return id
}

// withComment puts text in a JPEG comment segment right after SOI.
func withComment(jpg []byte, text string) []byte {
	n := len(text) + 2
	seg := append([]byte{0xFF, 0xFE, byte(n >> 8), byte(n)}, text...)
	return append(append(append([]byte{}, jpg[:2]...), seg...), jpg[2:]...)
}

// onePNGJPEG is a second, different JPEG.
func onePNGJPEG(t *testing.T) []byte {
	t.Helper()
	j := gpsJPEG(t)
	return withComment(j, "tweede")
}

func flushLogs(t *testing.T, app *tests.TestApp) {
	t.Helper()
	if h, ok := app.Logger().Handler().(*logger.BatchHandler); ok {
		if err := h.WriteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// isID says whether a needle is a record id (15 characters of [a-z0-9]).
func isID(s string) bool {
	if len(s) != 15 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// searchDataDir reads every file under dir and names each needle found.
func searchDataDir(t *testing.T, dir string, needles []string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		// The access log keeps ids (who looked at whose data, and that the
		// erasure happened), never names or words.
		accessLog := strings.HasPrefix(d.Name(), "access_log.db")
		for _, n := range needles {
			if accessLog && isID(n) {
				continue
			}
			if bytes.Contains(b, []byte(n)) {
				rel, _ := filepath.Rel(dir, p)
				found = append(found, rel+": "+n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// searchStore reads every object of the storage (keys and bytes).
func searchStore(t *testing.T, st storage.Store, needles []string) []string {
	t.Helper()
	var found []string
	ctx := context.Background()
	for key := range listKeys(t, st) {
		rc, _, err := st.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		for _, n := range needles {
			if strings.Contains(key, n) || bytes.Contains(b, []byte(n)) {
				found = append(found, "object "+key+": "+n)
			}
		}
	}
	return found
}

func listKeys(t *testing.T, st storage.Store) map[string]bool {
	t.Helper()
	keys := map[string]bool{}
	if err := st.List(context.Background(), "", func(i storage.Info) error { keys[i.Key] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	return keys
}

// TestEraseOnDeleteWho: a REST delete of a client erases for whoever the
// clients DeleteRule allows (coordinators, superusers, begeleiders of the
// client's team), and for nobody else: the others get PocketBase's own
// 404 and nothing of the client goes. A superuser acting as a
// coordinator is logged as the superuser, on the coordinator's behalf. In
// a batch it is refused.
func TestEraseOnDeleteWho(t *testing.T) {
	t.Parallel()
	app := servertest.NewApp(t, nil)
	w := servertest.NewWorld(t, app)
	srv := servertest.Serve(t, app)
	del := func(id string) string { return "/api/collections/clients/records/" + id }
	as := func(r *core.Record) *restCaller {
		return &restCaller{t: t, base: srv.URL, token: servertest.Token(t, r)}
	}
	kept := func(what string) {
		t.Helper()
		for _, c := range []*core.Record{w.ClientA, w.ClientA2, w.ClientB} {
			if _, err := app.FindRecordById(schema.Clients, c.Id); err != nil {
				t.Fatalf("%s: client %s is gone", what, c.Id)
			}
		}
		if _, err := app.FindRecordById(schema.SyncConflicts, w.ConflictGoalA.Id); err != nil {
			t.Fatalf("%s: ClientA's conflict is gone", what)
		}
	}

	(&restCaller{t: t, base: srv.URL}).do("DELETE", del(w.ClientA.Id), nil, 404, nil)
	for name, r := range map[string]*core.Record{"begeleider of another team": w.BegB, "adviser": w.AdvA, "the client": w.ClientA, "another client": w.ClientA2} {
		t.Run(name, func(t *testing.T) {
			as(r).do("DELETE", del(w.ClientA.Id), nil, 404, nil)
		})
	}
	kept("after refused deletes")

	// In a batch: refused whole, nothing erased.
	app.Settings().Batch.Enabled = true
	if err := app.Save(app.Settings()); err != nil {
		t.Fatal(err)
	}
	var batch json.RawMessage
	as(w.Coord).do("POST", "/api/batch", map[string]any{"requests": []map[string]any{{"method": "DELETE", "url": del(w.ClientA.Id)}}}, 400, &batch)
	if !strings.Contains(string(batch), "not in a batch") {
		t.Fatalf("batch delete refused for another reason: %s", batch)
	}
	kept("after a batch delete")

	// A begeleider of the client's team may: the rule says so.
	as(w.BegA).do("DELETE", del(w.ClientA.Id), nil, 204, nil)
	if _, err := app.FindRecordById(schema.Clients, w.ClientA.Id); err == nil {
		t.Fatal("the client is still there")
	}
	if _, err := app.FindRecordById(schema.SyncConflicts, w.ConflictGoalA.Id); err == nil {
		t.Fatal("the conflict about their goal is still there")
	}
	// A second delete finds nothing.
	as(w.BegA).do("DELETE", del(w.ClientA.Id), nil, 404, nil)

	// A superuser as the coordinator.
	su := servertest.NewSuperuser(t, app, "beheer@example.nl")
	var imp struct{ Token string }
	as(su).do("POST", "/api/collections/users/impersonate/"+w.Coord.Id, map[string]any{}, 200, &imp)
	(&restCaller{t: t, base: srv.URL, token: imp.Token}).do("DELETE", del(w.ClientB.Id), nil, 204, nil)

	want := map[string]accesslog.Entry{
		w.ClientA.Id: {Person: w.BegA.Id, Role: schema.RoleBegeleider, Path: accesslog.PathREST},
		w.ClientB.Id: {Person: su.Id, Role: "superuser", OnBehalfOf: "users:" + w.Coord.Id, Path: accesslog.PathREST},
	}
	deadline := time.Now().Add(10 * time.Second)
	for client, wt := range want {
		for {
			var page audit.Page
			as(w.Coord).do("GET", audit.EntriesPath+"?client="+client, nil, 200, &page)
			var erased []accesslog.Entry
			for _, e := range page.Entries {
				if e.Action == audit.ActionErase {
					erased = append(erased, e)
				}
				if e.Action == accesslog.ActionDelete {
					t.Fatalf("a delete entry besides the erasure: %+v", e)
				}
			}
			if len(erased) == 1 {
				if e := erased[0]; e.Person != wt.Person || e.Role != wt.Role || e.OnBehalfOf != wt.OnBehalfOf || e.Path != wt.Path {
					t.Fatalf("erase entry of %s: %+v, want %+v", client, e, wt)
				}
				break
			}
			if len(erased) > 1 || time.Now().After(deadline) {
				t.Fatalf("erase entries of %s: %+v", client, erased)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}
