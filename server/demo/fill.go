package demo

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/samenspel/samenspel/schema"
)

// Password is the password of every account Fill creates. It is printed
// with the logins: demo data is for trying the system out, never for a
// server that holds real people's data.
const Password = "wijksafari"

// ErrNotEmpty is what Fill's refusal matches (errors.Is): the database
// already holds teams, staff or clients, and demo people must never mix
// with real ones.
var ErrNotEmpty = errors.New("database is not empty")

// Summary is what Fill created.
type Summary struct {
	Seed                                             int64
	Teams, Staff, Clients, Safaris, Observations     int
	Feedback, NetworkContacts, Goals, GoalSteps, All int
	Logins                                           []Login
}

// Login is one person who can log in: staff with their e-mail address in
// the users collection, clients with their username in clients.
type Login struct {
	Role  string   // begeleider, teamadviseur, coordinator or client
	Name  string   // display name
	Login string   // e-mail (staff) or username (clients)
	Teams []string // team names: member of, advises, or the client's team
}

// Fill creates a demo organisation in an empty database and prints the
// logins to out. The same seed gives the same organisation (names, texts,
// who is in which team); record ids and dates differ, dates being relative
// to today.
//
// Everything is saved with app.Save inside one transaction, so the hooks
// version every record and feed the change feed as in production, and a
// failure leaves nothing behind. A database that already has teams, staff
// or clients is refused with an error matching ErrNotEmpty, and nothing is
// written.
func Fill(app core.App, out io.Writer, seed int64) (*Summary, error) {
	var sum *Summary
	err := app.RunInTransaction(func(tx core.App) error {
		if err := refuseNonEmpty(tx); err != nil {
			return err
		}
		b := &builder{
			app:   tx,
			rnd:   rand.New(rand.NewPCG(uint64(seed), 0x5a4d656e7370656c)),
			today: time.Now().UTC().Truncate(24 * time.Hour),
			count: map[string]int{},
		}
		if err := b.build(); err != nil {
			return err
		}
		sum = b.summary(seed)
		return nil
	})
	if errors.Is(err, ErrNotEmpty) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("demo data not loaded, nothing was written: %w", err)
	}
	printSummary(out, sum)
	return sum, nil
}

// notEmptyError names what is already there.
type notEmptyError struct {
	n    int
	what string
}

func (e notEmptyError) Error() string {
	return fmt.Sprintf("database already has %d %s; demo data is only loaded into an empty database — use a fresh --dir", e.n, e.what)
}

func (e notEmptyError) Is(target error) bool { return target == ErrNotEmpty }

// refuseNonEmpty looks for anything a person made: teams, staff accounts,
// client accounts. Superusers do not count, so an admin may exist already.
func refuseNonEmpty(app core.App) error {
	for _, c := range []struct{ table, one, many string }{
		{schema.Teams, "team", "teams"},
		{schema.Users, "staff account", "staff accounts"},
		{schema.Clients, "client account", "client accounts"},
	} {
		var n int
		if err := app.DB().Select("count(*)").From(c.table).Row(&n); err != nil {
			return fmt.Errorf("count %s: %w", c.table, err)
		}
		if n == 1 {
			return notEmptyError{n, c.one}
		}
		if n > 1 {
			return notEmptyError{n, c.many}
		}
	}
	return nil
}

// builder makes the organisation in one transaction. Its random source is
// the only source of variety, so a seed reproduces the content.
type builder struct {
	app   core.App // the transaction
	rnd   *rand.Rand
	today time.Time
	count map[string]int // saved records per collection

	passwordHash string

	coordinator *core.Record
	advisers    []*core.Record
	teams       []*teamData
	logins      []Login
}

type teamData struct {
	spec         teamSpec
	rec          *core.Record
	begeleiders  []*core.Record
	clients      []*clientData
	safaris      []*core.Record // done ones: what was found is on these
	clientLogged []*core.Record // done safaris on which a client logged a finding (may repeat)
	findings     []finding
}

// finding is an observation and its kind, so steps can use places and
// feedback can ask about barriers.
type finding struct {
	rec  *core.Record
	kind string
}

type clientData struct {
	rec      *core.Record
	contacts []contactData
}

type contactData struct {
	rec              *core.Record
	relation, status string
	formal           bool
}

// saveFailed carries a save error out of the build through a panic, so the
// many save calls read as a description of the organisation rather than as
// error plumbing. build recovers it; it never leaves the package.
type saveFailed struct{ err error }

func (b *builder) build() (err error) {
	defer func() {
		if r := recover(); r != nil {
			f, ok := r.(saveFailed)
			if !ok {
				panic(r)
			}
			err = f.err
		}
	}()
	b.people()
	for _, t := range b.teams {
		b.safaris(t)
	}
	for _, t := range b.teams {
		for _, c := range t.clients {
			b.network(t, c)
			b.goals(t, c)
		}
	}
	for _, t := range b.teams {
		b.feedback(t)
	}
	return nil
}

// save creates a record through the normal path, written by author (nil
// for the system): validation, authorship, version and change feed all run.
func (b *builder) save(collection string, author *core.Record, fields map[string]any) *core.Record {
	col, err := b.app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		panic(saveFailed{fmt.Errorf("collection %s: %w", collection, err)})
	}
	r := core.NewRecord(col)
	for k, v := range fields {
		r.Set(k, v)
	}
	if col.IsAuth() {
		r.SetRaw(core.FieldNamePassword, b.password(col))
	}
	schema.SetAuthor(r, schema.AuthorOf(author))
	if err := b.app.Save(r); err != nil {
		panic(saveFailed{fmt.Errorf("save %s %v: %w", collection, fields, err)})
	}
	b.count[collection]++
	return r
}

// password is Password for a new auth record, hashed once per Fill: bcrypt
// takes ~70 ms a hash, and fifty of them would hold the write transaction
// for seconds. Accounts then share a hash, which tells nothing more than
// the printed password already does; each still gets its own token key.
func (b *builder) password(col *core.Collection) *core.PasswordFieldValue {
	if b.passwordHash == "" {
		tmp := core.NewRecord(col)
		tmp.SetPassword(Password)
		if pv, ok := tmp.GetRaw(core.FieldNamePassword).(*core.PasswordFieldValue); ok && pv.LastError == nil {
			b.passwordHash = pv.Hash
		}
	}
	return &core.PasswordFieldValue{Hash: b.passwordHash, Plain: Password} // Plain: the field's length rules still apply
}

func (b *builder) summary(seed int64) *Summary {
	s := &Summary{
		Seed:            seed,
		Teams:           b.count[schema.Teams],
		Staff:           b.count[schema.Users],
		Clients:         b.count[schema.Clients],
		Safaris:         b.count[schema.Safaris],
		Observations:    b.count[schema.Observations],
		Feedback:        b.count[schema.Feedback],
		NetworkContacts: b.count[schema.NetworkContacts],
		Goals:           b.count[schema.Goals],
		GoalSteps:       b.count[schema.GoalSteps],
		Logins:          b.logins,
	}
	for _, n := range b.count {
		s.All += n
	}
	return s
}

// Random picks. All of them draw from b.rnd, in a fixed order.

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// sample returns n distinct elements of xs in their original order
// (steps keep their natural sequence), or all of xs if n is larger.
func sample[T any](r *rand.Rand, xs []T, n int) []T {
	if n >= len(xs) {
		return slices.Clone(xs)
	}
	idx := r.Perm(len(xs))[:n]
	slices.Sort(idx)
	out := make([]T, n)
	for i, j := range idx {
		out[i] = xs[j]
	}
	return out
}

func shuffled[T any](r *rand.Rand, xs []T) []T {
	out := slices.Clone(xs)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func (b *builder) between(lo, hi int) int { return lo + b.rnd.IntN(hi-lo+1) }

func (b *builder) chance(p float64) bool { return b.rnd.Float64() < p }

// day is a moment offset days from today, in working hours.
func (b *builder) day(offset int) time.Time {
	return b.today.AddDate(0, 0, offset).Add(time.Duration(b.between(8, 16)) * time.Hour)
}

func ids(rs []*core.Record) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Id
	}
	return out
}
