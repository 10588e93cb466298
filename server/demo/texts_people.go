package demo

// The people of the demo organisation: a fictional RIBW in Overijssel with
// three self-organising teams, each in a real wijk so that the map and the
// safari routes look familiar to people from the region. Every person is
// invented; the e-mail domain is reserved (.example) so nothing is ever
// sent to a real address.

// emailDomain is the domain of every staff login.
const emailDomain = "samenspel.example"

// teamSpec is a team and the wijk it works in. Lat/Lon is roughly the middle
// of the wijk; observations are scattered a few hundred metres around it.
type teamSpec struct {
	name, area string
	lat, lon   float64
}

var teamSpecs = []teamSpec{
	{"Team Keizerslanden", "Deventer-Keizerslanden", 52.2620, 6.1850},
	{"Team Holtenbroek", "Zwolle-Holtenbroek", 52.5270, 6.0950},
	{"Team Velve-Lindenhof", "Enschede-Velve-Lindenhof", 52.2050, 6.8700},
}

// person is a staff member's name, split so the login can be made from it.
type person struct{ first, last string }

func (p person) String() string { return p.first + " " + p.last }

var begeleiderNames = []person{
	{"Adrian", "Kuipers"}, {"Mariska", "ter Horst"}, {"Anouk", "de Jong"},
	{"Bram", "Wessels"}, {"Sevda", "Yilmaz"}, {"Jeroen", "Nijhof"},
	{"Lieke", "Brink"}, {"Thijs", "Oude Egbrink"}, {"Naomi", "Baars"},
	{"Ruben", "Hulshof"}, {"Femke", "Veldhuis"}, {"Karim", "Bouzid"},
	{"Marloes", "Schuurman"}, {"Dirk", "Lansink"}, {"Evelien", "Dijkhuis"},
	{"Hamid", "Rahimi"}, {"Joke", "Pasman"}, {"Wouter", "Klein Gunnewiek"},
}

// The teamadviseurs and the coordinator are fixed people, so the demo can be
// explained by name ("log in as Ingrid to see what the adviser sees").
var (
	adviserAll  = person{"Ingrid", "Mulder"}    // advises all three teams
	adviserOne  = person{"Youssef", "Amrani"}   // advises one team besides her
	coordinator = person{"Hanneke", "Bosscher"} // manages teams and accounts
)

// clientNames are display names as clients chose them: a first name or
// nickname and, where two would clash, an initial.
var clientNames = []string{
	"Jan K.", "Ria", "Mo", "Dewi", "Kees", "Fatma", "Sjaak", "Tineke", "Ruud",
	"Samira", "Bennie", "Joyce", "Henk V.", "Ilse", "Rachid", "Wilma", "Dennis",
	"Gerda", "Stefan", "Priscilla", "Arjen", "Nadia", "Freek", "Marloes B.",
	"Hüseyin", "Esther", "Jeroen T.", "Lies", "Tom", "Aylin", "Harry", "Chantal",
	"Piet", "Anja", "Yusuf", "Bert", "Linda", "Kevin", "Miep", "Roel", "Zeynep",
	"Gijs", "Petra", "Ömer", "Truus",
}
