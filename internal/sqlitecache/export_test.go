package sqlitecache

import (
	"context"
	"database/sql"
	"fmt"
)

// Compiles reports how many SQL texts the connection of db has handed to
// the base driver to compile. db must hold exactly one connection.
func Compiles(db *sql.DB) (int, error) {
	c, err := db.Conn(context.Background())
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n := -1
	err = c.Raw(func(dc any) error {
		cc, ok := dc.(*conn)
		if !ok {
			return fmt.Errorf("driver connection is %T, not the caching one", dc)
		}
		n = cc.compiles
		return nil
	})
	return n, err
}
