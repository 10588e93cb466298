package demo

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// StaffCodeHint tells a newcomer where the second factor of a staff
// login comes from: the code mail, which without SMTP the server writes
// to its terminal (server/stafflogin.go).
const StaffCodeHint = "Staff then type a login code from an e-mail. Without SMTP set up, the server writes that mail\n" +
	"to its terminal instead: look for \"login code\" in the output of `samenspel serve`."

// printSummary tells whoever ran the command what they now have and how to
// get in: counts, the shared password, and one line per login.
func printSummary(out io.Writer, s *Summary) {
	fmt.Fprintf(out, "Demo data loaded (seed %d): %d teams, %d staff, %d clients, %d safaris, %d observations, %d feedback notes,\n",
		s.Seed, s.Teams, s.Staff, s.Clients, s.Safaris, s.Observations, s.Feedback)
	fmt.Fprintf(out, "%d goals with %d steps, %d network contacts (%d records in all).\n\n",
		s.Goals, s.GoalSteps, s.NetworkContacts, s.All)
	fmt.Fprintf(out, "Every account has the password %q. Demo data only: never on a server with real people's data.\n", Password)
	fmt.Fprintf(out, "Staff log in with their e-mail (collection users), clients with their username (collection clients).\n")
	fmt.Fprintf(out, "%s\n\n", StaffCodeHint)

	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ROLE\tNAME\tLOGIN\tTEAM(S)")
	for _, l := range s.Logins {
		teams := strings.Join(l.Teams, ", ")
		switch {
		case l.Role == "coordinator":
			teams = "(all teams)"
		case l.Role == "teamadviseur":
			teams = "advises " + teams
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", l.Role, l.Name, l.Login, teams)
	}
	w.Flush()
	fmt.Fprintln(out, "\nFor the dashboard at /_/, add an admin: samenspel superuser upsert EMAIL PASSWORD")
}
