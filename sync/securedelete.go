package sync

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
)

// RebuildOnce rebuilds both database files (VACUUM) if they have not been
// rebuilt since every write had secure_delete on (migration 1795871264):
// content that deletes and updates freed before may still sit in free
// space, and an erasure must leave none of a client's words behind. It
// runs once per database, at the server's start and, should the start
// not have done it, before an erasure's checkpoint. Safe to call from
// several goroutines.
func (s *Service) RebuildOnce() error {
	s.rebuildMu.Lock()
	defer s.rebuildMu.Unlock()
	var done int
	if err := s.app.DB().NewQuery("SELECT secure_delete_rebuilt FROM sync_state WHERE id = 1").Row(&done); err != nil {
		return fmt.Errorf("read secure_delete_rebuilt: %w", err)
	}
	if done == 1 {
		return nil
	}
	start := time.Now()
	if err := requireSecureDelete(s.app.NonconcurrentDB()); err != nil {
		return err
	}
	if err := vacuumOnDisk(s.app.NonconcurrentDB()); err != nil {
		return fmt.Errorf("rebuild data.db: %w", err)
	}
	if err := vacuumOnDisk(s.app.AuxNonconcurrentDB()); err != nil {
		return fmt.Errorf("rebuild auxiliary.db: %w", err)
	}
	// In WAL mode the rebuilt pages are in the WAL: until a checkpoint
	// the file keeps the old ones.
	if err := s.checkpointData(); err != nil {
		return fmt.Errorf("checkpoint data.db after the rebuild: %w", err)
	}
	if err := CheckpointTruncate(s.app.AuxNonconcurrentDB()); err != nil {
		return fmt.Errorf("checkpoint auxiliary.db after the rebuild: %w", err)
	}
	if _, err := s.app.NonconcurrentDB().NewQuery("UPDATE sync_state SET secure_delete_rebuilt = 1 WHERE id = 1").Execute(); err != nil {
		return fmt.Errorf("mark the rebuild: %w", err)
	}
	s.app.Logger().Info("database files rebuilt once, so that no deleted content stays in free space (secure_delete)", "took", time.Since(start).String())
	return nil
}

// vacuumOnDisk rebuilds a database with its temporary copy in a file:
// the connections keep temporary data in memory (temp_store MEMORY,
// internal/sqlitecache), where a VACUUM would hold the whole database
// (+330 MB at an RIBW's size, measured with BenchmarkLoadRIBW). db must
// be a single connection (the app's writer), so the pragmas and the
// VACUUM run on the same one.
func vacuumOnDisk(db dbx.Builder) (err error) {
	if _, err := db.NewQuery("PRAGMA temp_store = FILE").Execute(); err != nil {
		return err
	}
	defer func() {
		if _, back := db.NewQuery("PRAGMA temp_store = MEMORY").Execute(); err == nil {
			err = back
		}
	}()
	_, err = db.NewQuery("VACUUM").Execute()
	return err
}
