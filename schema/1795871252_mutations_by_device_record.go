package schema

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Stored push results are keyed by the device's sync_devices record id
// instead of the device_id string the app chose. A device id is no secret
// (it shows in mutation ids) and a record id is never reused, so a result
// can never pass to someone who registers the same device id after the
// device record is gone. The table is rebuilt (a key that moves in place
// could collide halfway with a device_id that looks like a record id);
// results of devices that no longer exist are dropped, as nobody may
// replay them.
const mutationsByDeviceRecordSQL = `
CREATE TABLE sync_mutations_by_record (
	device      TEXT NOT NULL,
	mutation_id TEXT NOT NULL,
	result      TEXT NOT NULL,
	at          INTEGER NOT NULL,
	PRIMARY KEY (device, mutation_id)
) WITHOUT ROWID;
INSERT INTO sync_mutations_by_record (device, mutation_id, result, at)
	SELECT d.id, m.mutation_id, m.result, m.at
	FROM sync_mutations m JOIN sync_devices d ON d.device_id = m.device;
DROP TABLE sync_mutations;
ALTER TABLE sync_mutations_by_record RENAME TO sync_mutations;
`

func init() {
	m.Register(func(app core.App) error {
		_, err := app.DB().NewQuery(mutationsByDeviceRecordSQL).Execute()
		return err
	}, nil)
}
