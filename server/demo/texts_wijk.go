package demo

// Safaris, what was found on them, and the teamadviseur's review notes. A
// wijksafari is a walk with clients through the neighbourhood, guided by
// concrete questions; each theme below has its questions, the kinds of
// things a group finds and what teams wrote afterwards. {wijk} becomes the
// team's area. Places are typical, not real addresses.

type safariTheme struct {
	titles       []string
	questions    []string
	observations []obsText
	reflections  []string
}

type obsText struct{ kind, title, note, threshold string }

var safariThemes = []safariTheme{
	{
		titles: []string{"Waar drink je koffie in {wijk}?", "Rondje ontmoetingsplekken {wijk}"},
		questions: []string{
			"Waar kun je in de wijk gratis een kop koffie drinken?",
			"Welke plekken zijn laagdrempelig: kun je er gewoon binnenlopen?",
			"Waar zou jij alleen naar binnen durven?",
			"Wie ontmoet je daar, en wie is de gastheer of gastvrouw?",
			"Op welke dagen en tijden is het er open?",
		},
		observations: []obsText{
			{"meeting_place", "Koffieochtend in het buurthuis", "Dinsdag en donderdag van 10 tot 12, gratis koffie. Vrijwilligers heten je welkom.", "low"},
			{"meeting_place", "Huiskamer van de wijk", "In een oude winkel; iedereen mag binnenlopen, ook zonder reden.", "low"},
			{"key_person", "Gastvrouw van de huiskamer", "Kent iedereen bij naam en stelt nieuwe mensen graag aan elkaar voor.", "low"},
			{"place", "Bankjes bij de vijver", "'s Middags zitten hier veel ouderen; makkelijk een praatje.", "low"},
			{"barrier", "Buurthuis alleen via een trap", "Geen lift. Voor wie slecht ter been is kom je er niet in.", "high"},
			{"facility", "Supermarkt met koffiehoek", "Gratis koffie bij de ingang; veel mensen blijven even staan.", "low"},
			{"other", "Prikbord bij de supermarkt", "Briefjes van buurtbewoners: oppas, klusjes, een wandelclubje.", "low"},
		},
		reflections: []string{
			"De koffieochtend was drukker dan we dachten. Twee deelnemers willen volgende week zelf gaan, zonder begeleider.",
			"Wij zagen vooral plekken die we al kenden. De deelnemers wezen ons op de koffiehoek in de supermarkt; daar hadden wij nooit aan gedacht.",
			"Binnenlopen bleek de grootste drempel, niet de afstand. Volgende keer spreken we vooraf af wie de deur opendoet.",
		},
	},
	{
		titles: []string{"Groene plekken in {wijk}", "Bewegen in {wijk}", "Wandelroute langs het water"},
		questions: []string{
			"Waar kun je in de wijk gratis sporten of bewegen?",
			"Welke wandelroute is rustig genoeg om alleen te lopen?",
			"Waar kun je even tot rust komen?",
			"Is er een wandelgroep waar je zonder lidmaatschap mee kunt doen?",
			"Hoe ver is het lopen vanaf je huis?",
		},
		observations: []obsText{
			{"initiative", "Wandelgroep op woensdagochtend", "Vertrekt om 10 uur bij het buurthuis; het tempo past zich aan de langzaamste aan.", "low"},
			{"place", "Park met een ommetje van twintig minuten", "Verlicht pad, ook 's avonds redelijk veilig.", "low"},
			{"facility", "Beweeguur in de gymzaal", "Maandagmiddag, gratis, met de buurtsportcoach.", "medium"},
			{"opportunity", "Moestuin achter de flat zoekt handen", "De bewonerscommissie zoekt mensen die willen wieden en oogsten.", "low"},
			{"barrier", "Drukke kruising zonder oversteekplaats", "Voor iemand met angstklachten een echte blokkade op weg naar het park.", "high"},
			{"place", "Bankje aan het water", "Stille plek, veel eenden, weinig mensen.", "low"},
		},
		reflections: []string{
			"Iedereen liep de hele route mee. De moestuin leverde het meeste gesprek op: drie deelnemers hebben vroeger een tuin gehad.",
			"We liepen te snel. De deelnemers wilden vaker stilstaan; volgende keer halve route, dubbele tijd.",
			"De kruising bij het park hebben we gemeld bij het wijkteam. Tot die tijd lopen we om via de brug.",
		},
	},
	{
		titles: []string{"Waar kun je meedoen in {wijk}?", "Vrijwilligerswerk in {wijk}", "Op zoek naar een plek om iets te doen"},
		questions: []string{
			"Waar kun je vrijwilligerswerk doen zonder sollicitatiegesprek?",
			"Welke organisaties in de wijk zoeken mensen?",
			"Waar word je gemist als je er niet bent?",
			"Wat zou je zelf kunnen bijdragen?",
			"Wie kun je aanspreken om eens mee te lopen?",
		},
		observations: []obsText{
			{"initiative", "Repair Café in de kerkzaal", "Elke eerste zaterdag. Zoekt mensen die handig zijn of koffie willen schenken.", "low"},
			{"facility", "Uitgiftepunt van de voedselbank", "Op donderdag zijn vrijwilligers welkom bij het inpakken.", "medium"},
			{"key_person", "Coördinator vrijwilligerswerk van het wijkcentrum", "Wil kennismaken met het team; spreekuur op woensdag.", "medium"},
			{"opportunity", "Kringloopwinkel zoekt verkopers", "Ook voor een paar uur per week; je mag eerst meelopen.", "medium"},
			{"initiative", "Buurtmaaltijd op vrijdag", "De kookploeg zoekt versterking; meeëten kost drie euro.", "low"},
			{"barrier", "Vacatures alleen online", "Aanmelden gaat via een website met een account; voor veel deelnemers lastig.", "medium"},
		},
		reflections: []string{
			"De deelnemers stelden zelf de vragen bij het Repair Café. Eén van hen begint er volgende maand.",
			"We merkten dat wij als begeleiders vooral vertelden wat er was. Volgende keer laten we de deelnemers het woord doen.",
			"De kringloopwinkel reageerde enthousiast. Afgesproken dat een deelnemer eerst een ochtend meeloopt, zonder verplichting.",
		},
	},
	{
		titles: []string{"Waar vind je hulp in {wijk}?", "Loketten en spreekuren in {wijk}"},
		questions: []string{
			"Waar kun je terecht met vragen over geld of formulieren?",
			"Is er een inloopspreekuur zonder afspraak?",
			"Waar kun je gratis een computer gebruiken?",
			"Wat heb je nodig om daar binnen te stappen?",
			"Wie zou je daar willen spreken?",
		},
		observations: []obsText{
			{"facility", "Inloopspreekuur van het wijkteam", "Maandag- en donderdagochtend, zonder afspraak.", "medium"},
			{"facility", "Bibliotheek: hulp bij DigiD", "Gratis; even opgeven bij de balie.", "low"},
			{"opportunity", "Ongebruikte computers in het wijkcentrum", "Ze staan er, maar niemand gebruikt ze. Kunnen we hier een computerochtend beginnen?", "low"},
			{"key_person", "Vrijwilliger van de formulierenbrigade", "Helpt met brieven van de gemeente en toeslagen; heel geduldig.", "low"},
			{"barrier", "Loket alleen op afspraak via de telefoon", "Lange wachtrij aan de telefoon; deelnemers haken af.", "high"},
			{"facility", "Huisartsenpraktijk met praktijkondersteuner GGZ", "Ook voor een gesprek zonder verwijzing.", "medium"},
			{"other", "Wijkkrant bij de bushalte", "Staat elke maand vol activiteiten; niemand van ons kende hem.", "low"},
		},
		reflections: []string{
			"Het spreekuur van het wijkteam kende bijna niemand. Twee deelnemers gaan er samen heen met hun post.",
			"Bij de computers in het wijkcentrum ontstond het plan voor een computerochtend door en voor deelnemers.",
			"De telefonische wachtrij is voor onze cliënten een echte drempel; we vragen het wijkteam om een inloopmoment.",
		},
	},
	{
		titles: []string{"Goedkoop en gezond eten in {wijk}", "Boodschappenroute {wijk}"},
		questions: []string{
			"Waar kun je goedkoop boodschappen doen?",
			"Waar kun je samen eten?",
			"Hoe laat is het rustig in de supermarkt?",
			"Waar is de markt, en wanneer?",
			"Wat kost een maaltijd bij de buurtmaaltijd?",
		},
		observations: []obsText{
			{"place", "Weekmarkt op zaterdag", "Aan het eind van de markt is de groente goedkoop.", "medium"},
			{"meeting_place", "Samen eten in het buurthuis", "Woensdagavond, drie euro, opgeven tot maandag.", "low"},
			{"facility", "Supermarkt is rustig voor negen uur", "Minder prikkels; een goed moment om te oefenen.", "low"},
			{"initiative", "Weggeefkast bij de school", "Iedereen mag iets brengen of meenemen.", "low"},
			{"barrier", "Supermarkt verhuisd naar de rand van de wijk", "Zonder fiets of bus een half uur lopen.", "medium"},
		},
		reflections: []string{
			"Samen eten in het buurthuis sprak veel deelnemers aan. We spraken af: de eerste keer gaan we met z'n allen, daarna wie wil.",
			"De vroege supermarkt werkt: minder mensen, minder herrie. Twee deelnemers oefenen daar nu wekelijks.",
		},
	},
	{
		titles: []string{"Creatief in {wijk}", "Muziek, kunst en ontmoeting in {wijk}"},
		questions: []string{
			"Waar kun je creatief bezig zijn zonder dat het veel kost?",
			"Is er een koor, een muziekgroep of een schilderclub?",
			"Welke plek voelt veilig om iets nieuws te proberen?",
			"Wie organiseert er activiteiten in de wijk?",
		},
		observations: []obsText{
			{"initiative", "Schilderclub in het wijkcentrum", "Donderdagmiddag, materiaal is er, vrijwillige bijdrage.", "low"},
			{"initiative", "Buurtkoor zoekt zangers", "Geen auditie, iedereen welkom.", "low"},
			{"place", "Muurschilderingen langs het fietspad", "Mooi om met een groep langs te lopen; goed gesprek over wat je ziet.", "low"},
			{"key_person", "Bewoner die de open podiumavond organiseert", "Zoekt mensen die willen optreden of helpen met het geluid.", "medium"},
			{"opportunity", "Leegstaand winkelpand", "De woningcorporatie zoekt een tijdelijke invulling voor ontmoeting.", "medium"},
			{"other", "Kunstuitleen in de bibliotheek", "Voor een paar euro per maand een schilderij aan de muur.", "low"},
		},
		reflections: []string{
			"De schilderclub nam meteen twee deelnemers op. Het leegstaande pand bespreken we met de bewonerscommissie.",
			"Het open podium leek spannend, maar één deelnemer wil er met zijn gitaar heen. We gaan als team kijken.",
		},
	},
}

// closingQuestions end every walk.
var closingQuestions = []string{
	"Wat viel je op dat je nog niet wist?",
	"Waar zou je nog eens terug willen komen?",
	"Wie zou je mee willen nemen naar deze plek?",
}

// feedbackText is a review note; about says what it is about: "" the team's
// work in general, "safari" a walk, "safari_clients" a walk on which
// clients logged findings themselves, "obs" something found, "barrier" a
// barrier found. {safari} and {obs} become the subject's title. Notes never
// name a client: the adviser reviews neighbourhood work, not people.
type feedbackText struct{ kind, about, text string }

var feedbackTexts = []feedbackText{
	{"question", "safari", "Hoe hebben de deelnemers zelf de vragen voor '{safari}' gekozen?"},
	{"question", "barrier", "Wat doen jullie met '{obs}'? Weet de gemeente ervan?"},
	{"question", "", "Welke van de gevonden plekken worden nu echt door cliënten gebruikt, ook zonder begeleider?"},
	{"question", "obs", "Wie in het team houdt contact met '{obs}'?"},
	{"question", "safari", "Wat hebben de deelnemers zelf meegenomen uit '{safari}'?"},
	{"appreciation", "safari_clients", "Mooi dat deelnemers bij '{safari}' zelf observaties hebben toegevoegd."},
	{"appreciation", "", "Sterke reflectie: jullie benoemen eerlijk dat het team soms vooral deed wat het zelf zag zitten."},
	{"appreciation", "obs", "Goed gevonden: '{obs}' is een laagdrempelige plek die andere teams ook kunnen gebruiken."},
	{"appreciation", "barrier", "Knap hoe concreet jullie de drempel bij '{obs}' beschrijven."},
	{"suggestion", "", "Misschien kan een ervaringsdeskundige meelopen met de volgende safari."},
	{"suggestion", "safari", "Probeer '{safari}' eens op een avond of in het weekend: dan is de wijk anders."},
	{"suggestion", "", "Laat de deelnemers de volgende keer zelf de route kiezen; jullie lopen mee."},
	{"suggestion", "obs", "Nodig iemand van '{obs}' uit voor jullie teamoverleg."},
}
