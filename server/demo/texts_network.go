package demo

// Network contacts. Third parties are minimised: a first name, nickname or
// organisation and what the client says about them; phone and e-mail are
// added only where the client consented (see network in fill_plans.go).

// contactText is someone in a network: a first name or nickname and what
// the client says about them. Nothing more is stored about third parties.
type contactText struct{ name, note string }

// contactKind describes a relation: who it can be, how close they usually
// are and what they can do.
type contactKind struct {
	relation   string
	formal     bool
	circle     [2]int // closest and farthest circle
	support    []string
	canSleep   bool // may be a dormant contact, to revive
	candidates []contactText
}

var contactKinds = map[string]contactKind{
	"family": {"family", false, [2]int{1, 2}, []string{"practical", "emotional", "company", "care"}, true, []contactText{
		{"Marieke", "Zus, woont in Apeldoorn"}, {"Dennis", "Broer, bellen op zondag"}, {"Ans", "Moeder, 78 jaar"},
		{"Gerrit", "Vader; contact is soms lastig"}, {"Yvonne", "Tante, komt elke week langs"}, {"Lisa", "Dochter, studeert in Enschede"},
		{"Kevin", "Zoon, woont in de buurt"}, {"Hatice", "Zus"}, {"Ahmed", "Broer, werkt in Hengelo"}, {"Joop", "Oom"},
		{"Tamara", "Nicht, handig met computers"}, {"Ineke", "Moeder"}, {"Mehmet", "Neef, heeft een auto"}, {"Bianca", "Schoonzus"},
		{"Gert-Jan", "Broer, komt af en toe eten"}, {"Fatima", "Moeder, woont in Almelo"}, {"Roy", "Zoon, zit in het leger"},
		{"Annie", "Oma, 91 jaar"}, {"Sandra", "Zus, heeft drie kinderen"}, {"Theo", "Stiefvader"}}},
	"partner": {"partner", false, [2]int{1, 1}, []string{"emotional", "company", "practical", "care"}, false, []contactText{
		{"Rob", "Partner, we wonen niet samen"}, {"Sabine", "Vriendin, sinds vorig jaar"}, {"Eddy", "Partner"}, {"Naima", "Partner"}}},
	"friend": {"friend", false, [2]int{1, 2}, []string{"company", "emotional", "advice"}, true, []contactText{
		{"Rick", "Vriend van de middelbare school"}, {"Sophie", "Vriendin van de tekenclub"}, {"Bas", "Vriend van vroeger uit de straat"},
		{"Kim", "Vriendin, samen wandelen"}, {"Youssef", "Vriend van het voetbal"}, {"Mirjam", "Vriendin van vroeger uit de flat"},
		{"Jelle", "Gamevriend"}, {"Fenna", "Vriendin"}, {"Dirk-Jan", "Vriend van de volkstuin"}, {"Leila", "Vriendin van de taalles"},
		{"Stijn", "Studievriend, woont in Zwolle"}, {"Patty", "Vriendin, samen naar de markt"}}},
	"neighbour": {"neighbour", false, [2]int{2, 3}, []string{"practical", "company"}, true, []contactText{
		{"Els", "Buurvrouw van nummer 12, geeft de planten water"}, {"Henk", "Buurman, helpt met klusjes"},
		{"Mevrouw Jansen", "Buurvrouw, altijd thuis"}, {"Ali", "Buurman, heeft een auto"},
		{"Trudy", "Buurvrouw, zit in de bewonerscommissie"}, {"Wim", "Overbuurman met de hond"},
		{"Jacqueline", "Buurvrouw, drinkt soms koffie bij me"}, {"Erwin", "Bovenbuurman, werkt nachtdiensten"}}},
	"volunteer": {"volunteer", false, [2]int{2, 3}, []string{"company", "practical"}, false, []contactText{
		{"Gerda", "Vrijwilliger bij het buurthuis"}, {"Paul", "Maatje via het maatjesproject"},
		{"Jolanda", "Vrijwilliger bij de voedselbank"}, {"Kees", "Vrijwilliger bij het Repair Café"}}},
	"informal_carer": {"informal_carer", false, [2]int{1, 2}, []string{"practical", "care", "emotional"}, false, []contactText{
		{"Marja", "Mantelzorger, doet de administratie"}, {"Peter", "Mantelzorger, komt twee keer per week"},
		{"Saskia", "Mantelzorger; heeft zelf ook rust nodig"}}},
	"peer": {"peer", false, [2]int{2, 3}, []string{"emotional", "advice", "company"}, true, []contactText{
		{"Ronald", "Lotgenoot uit de herstelgroep"}, {"Esra", "Ervaringsdeskundige bij het inloophuis"},
		{"Marco", "Weet hoe het is, belt vaak even"}, {"Ilona", "Lotgenoot, samen naar de herstelcursus"}}},
	"professional": {"professional", true, [2]int{3, 3}, []string{"advice", "care"}, false, []contactText{
		{"Huisarts Visser", "Huisarts"}, {"Lotte", "Wijkverpleegkundige"}, {"Dhr. Bakker", "Bewindvoerder"},
		{"Nienke", "Sociaal psychiatrisch verpleegkundige"}, {"Erik", "Jobcoach"}, {"Sanne", "Maatschappelijk werker van het wijkteam"}}},
	"organisation": {"organisation", true, [2]int{3, 3}, []string{"practical", "advice", "company"}, false, []contactText{
		{"Voedselbank", "Uitgiftepunt op donderdag"}, {"Buurthuis", "Koffieochtend op dinsdag"}, {"Bibliotheek", "Hulp bij digitale zaken"},
		{"Kerk aan de overkant", "Zondagmiddag open"}, {"Sportvereniging", "Wandelgroep op woensdag"}, {"Inloophuis", "Inloop zonder afspraak"}}},
	"other": {"other", false, [2]int{3, 3}, []string{"company"}, false, []contactText{
		{"Monique", "Kapper, praat altijd even"}, {"Ome Jan", "Eigenaar van de snackbar, kent me al jaren"}}},
}

// wishedContacts are people a client would like in their network and has
// not found yet: the network map shows the gap, not only what is there.
var wishedContacts = []struct {
	relation string
	contactText
}{
	{"friend", contactText{"Wandelmaatje", "Nog te vinden: iemand in de buurt om mee te lopen"}},
	{"volunteer", contactText{"Maatje voor de zaterdag", "Vragen bij het maatjesproject"}},
	{"peer", contactText{"Lotgenoot in de wijk", "Iemand die weet hoe het is"}},
	{"neighbour", contactText{"Een buur om op terug te vallen", "Nu ken ik niemand in de straat"}},
	{"friend", contactText{"Iemand om mee te gamen", "Misschien via de bieb of het jongerenwerk"}},
}

// dormantNotes replace a contact's note when the contact has gone quiet.
var dormantNotes = []string{
	"Al twee jaar geen contact; ik wil het weer proberen",
	"Uit het oog verloren na de opname",
	"Contact is verwaterd, maar het was altijd goed",
}
