package demo

// Goals and their steps. Goals are written as clients say them
// (first person, their own words), each with the dream behind it, and steps
// are mostly carried by the client and their network: zorgen dát, not
// zorgen vóór. In step texts {naam} becomes the network contact who carries
// the step and {plek} a place the team found on a safari.

type goalText struct {
	domain string
	titles []string // the same goal in different words
	whys   []string
	steps  []stepText
}

type stepText struct {
	carriedBy string
	text      string
	relations []string // network steps: who from the network fits, in order of preference
	places    []string // {plek} steps: words in the title of a finding that fits
}

func self(text string) stepText         { return stepText{carriedBy: "client", text: text} }
func begeleider(text string) stepText   { return stepText{carriedBy: "begeleider", text: text} }
func professional(text string) stepText { return stepText{carriedBy: "other_professional", text: text} }

// at is a step the client takes at a place the team found on a safari.
func at(text string, places ...string) stepText {
	return stepText{carriedBy: "client", text: text, places: places}
}

func network(text string, rel ...string) stepText {
	return stepText{carriedBy: "network", text: text, relations: rel}
}

var goalTexts = []goalText{
	{"living", []string{"Ik wil weer zelf mijn boodschappen doen", "Zelf boodschappen doen zonder dat er iemand mee hoeft"},
		[]string{"Dan bepaal ik zelf wat ik eet en wanneer.", "Ik wil niet voor elk pak melk op iemand wachten.", "Vroeger deed ik dat altijd; ik wil dat gevoel terug."},
		[]stepText{self("Op maandag een boodschappenlijstje maken"), network("{naam} gaat de eerste twee keer mee naar de supermarkt", "family", "friend", "neighbour"),
			self("Alleen naar de supermarkt om de hoek, op een rustig moment"), begeleider("Samen kijken hoe het weekgeld over de boodschappen verdeeld kan worden"), at("Bij {plek} kijken of ik daar ook terecht kan", "markt", "weggeefkast")}},
	{"living", []string{"Ik wil mijn huis zo houden dat ik er mensen kan ontvangen", "Een opgeruimd huis waar ik me prettig voel"},
		[]string{"Ik schaam me nu als er iemand aanbelt.", "Ik wil mijn kleinkinderen weer uitnodigen.", "Een rustig huis geeft rust in mijn hoofd."},
		[]stepText{self("Elke dag één ding opruimen, niet meer"), network("{naam} helpt een zaterdag met de zolder", "family", "friend"),
			self("Een schoonmaakschema op de koelkast hangen"), begeleider("Samen de woningcorporatie bellen over de lekkage; ik voer het woord"), professional("Huishoudelijke hulp via de Wmo aanvragen")}},
	{"living", []string{"Ik wil op mezelf wonen, in een eigen flat", "Binnen een jaar een eigen voordeur"},
		[]string{"Mijn eigen voordeur, mijn eigen regels.", "Ik wil laten zien dat ik het kan.", "Dichter bij mijn dochter wonen."},
		[]stepText{self("Inschrijven bij de woningcorporatie"), begeleider("Samen oefenen met de vaste lasten op een rijtje zetten"), network("{naam} gaat mee naar de bezichtiging", "family", "partner", "friend"),
			professional("Gesprek met de wijkconsulent over begeleiding na de verhuizing"), self("Een week proefwonen in de trainingswoning")}},
	{"daytime_activity", []string{"Ik wil vrijwilligerswerk doen waar ik goed in ben", "Iets doen waar andere mensen wat aan hebben"},
		[]string{"Ik wil ergens bij horen en gemist worden als ik er niet ben.", "Mijn dagen hebben meer structuur nodig.", "Ik kan goed met mijn handen werken en wil dat weer gebruiken."},
		[]stepText{self("Opschrijven waar ik goed in ben en wat ik leuk vind"), at("Langsgaan bij {plek} en vragen of ze hulp kunnen gebruiken", "repair", "voedselbank", "kringloop", "buurtmaaltijd", "moestuin"),
			network("{naam} vertelt hoe het vrijwilligerswerk bij de kerk gaat", "friend", "peer", "family"), professional("Gesprek bij het vrijwilligerssteunpunt"), self("Twee ochtenden proefdraaien")}},
	{"daytime_activity", []string{"Ik wil weer aan het werk, eerst een paar uur per week", "Een betaalde baan, al is het maar klein"},
		[]string{"Mijn eigen geld verdienen.", "Ik wil weer collega's hebben.", "Mijn zoon moet zien dat ik werk."},
		[]stepText{self("Mijn cv bijwerken op de computer in de bibliotheek"), professional("Afspraak met de jobcoach"), network("{naam} vraagt bij de eigen werkgever naar een proefplek", "family", "friend", "neighbour"),
			begeleider("Meedenken over hoe ik mijn energie over de week verdeel"), self("Elke week op één vacature reageren")}},
	{"daytime_activity", []string{"Ik wil elke dag een reden om de deur uit te gaan", "Een vaste dagbesteding, buiten de woonvorm"},
		[]string{"Thuis zit ik alleen te piekeren.", "Ik wil mensen ontmoeten die niets met de GGZ te maken hebben."},
		[]stepText{self("Met de groep mee op wijksafari en kijken wat er is"), at("Een ochtend meedraaien bij {plek}", "repair", "kringloop", "voedselbank", "schilderclub", "moestuin"),
			network("{naam} haalt me de eerste weken op", "friend", "volunteer", "peer"), begeleider("Samen uitzoeken hoe ik er met de bus kom")}},
	{"finances", []string{"Ik wil mijn schulden op een rij krijgen", "Overzicht in mijn geld, zodat ik weer rustig slaap"},
		[]string{"Geen brieven meer die ik niet durf open te maken.", "Over drie jaar wil ik schuldenvrij zijn.", "Rust in mijn hoofd."},
		[]stepText{self("Alle post in één map doen, ook de ongeopende"), professional("Aanmelden bij de schuldhulpverlening van de gemeente"),
			network("{naam} helpt elke maand met het openen van de post", "informal_carer", "family", "volunteer"), begeleider("Meegaan naar het eerste gesprek bij schuldhulp"), self("Een weekbudget in een apart potje")}},
	{"finances", []string{"Ik wil zelf mijn geld beheren, zonder bewindvoerder", "Mijn eigen bankzaken weer doen"},
		[]string{"Ik wil niet meer om mijn eigen geld hoeven vragen.", "Zelf beslissen wat ik koop."},
		[]stepText{self("Een maand het leefgeld bijhouden in een schriftje"), professional("Met de bewindvoerder afspreken wat ik al zelf mag doen"),
			network("{naam} kijkt mee met de bankapp", "family", "friend"), at("Voor hulp bij formulieren naar {plek}", "spreekuur", "bibliotheek", "formulieren")}},
	{"finances", []string{"Ik wil sparen voor een weekendje weg", "Geld opzij zetten voor een vakantie"},
		[]string{"Ik ben al zes jaar niet weg geweest.", "Met mijn zus naar zee."},
		[]stepText{self("Elke week vijf euro in de spaarpot"), at("Bij {plek} goedkoper boodschappen doen", "markt", "weggeefkast"), network("{naam} zoekt mee naar een betaalbaar huisje", "family", "friend")}},
	{"relationships", []string{"Ik wil het contact met mijn familie herstellen", "Weer gewoon met mijn familie aan tafel"},
		[]string{"We waren vroeger onafscheidelijk.", "Ik wil er zijn op de verjaardag van mijn moeder."},
		[]stepText{self("Een kaartje sturen voor de verjaardag"), network("{naam} regelt een eerste afspraak op neutraal terrein", "family"),
			begeleider("Samen oefenen wat ik wil zeggen"), self("Eén keer per maand bellen")}},
	{"relationships", []string{"Ik wil mensen in de buurt leren kennen", "Een paar mensen in de wijk die ik kan groeten"},
		[]string{"Nu ken ik niemand in mijn straat.", "Ik wil op zondag niet meer alleen zijn.", "Als het slecht gaat, wil ik iemand om de hoek."},
		[]stepText{at("Elke week koffie drinken bij {plek}", "koffie", "huiskamer", "samen eten"), network("{naam} neemt me mee naar de buurtbarbecue", "neighbour", "friend"),
			self("De buurvrouw groeten en vragen hoe het gaat"), begeleider("De route van de wijksafari nog een keer samen lopen")}},
	{"relationships", []string{"Ik wil mijn dochter vaker zien", "Er zijn voor mijn dochter"},
		[]string{"Ze moet weten dat ik er voor haar ben.", "Ik wil bij haar diploma-uitreiking zijn."},
		[]stepText{self("De vaste omgangsdag in mijn agenda zetten"), network("{naam} rijdt mee naar het overdrachtsmoment", "family", "friend"),
			professional("Gesprek met de mediator over de omgangsregeling"), self("Iets leuks bedenken om samen te doen in de wijk")}},
	{"health", []string{"Ik wil beter slapen", "Weer uitgerust wakker worden"},
		[]string{"Dan heb ik overdag meer energie voor de dingen die ik wil.", "Minder piekeren 's nachts."},
		[]stepText{self("Na acht uur 's avonds geen koffie meer"), self("Elke avond een rondje door de wijk"),
			professional("Met de huisarts praten over afbouwen van de slaappillen"), network("{naam} belt als ik 's avonds onrustig ben", "friend", "peer", "family")}},
	{"health", []string{"Ik wil elke dag een stuk wandelen", "Fitter worden, zodat ik de trap weer op kom"},
		[]string{"Mijn hoofd wordt rustiger van buiten zijn.", "Ik wil met mijn kleinzoon kunnen voetballen."},
		[]stepText{self("Elke ochtend een blokje om, ook als het regent"), network("{naam} wandelt op zaterdag mee", "friend", "neighbour", "volunteer", "peer"),
			at("Meedoen met {plek}", "wandelgroep", "beweeguur"), professional("Kennismaken met de buurtsportcoach")}},
	{"health", []string{"Ik wil stoppen met blowen", "Minder drinken, vooral in het weekend"},
		[]string{"Ik wil weer helder zijn als mijn kinderen komen.", "Het kost me te veel geld en te veel dagen."},
		[]stepText{self("Bijhouden wanneer ik trek krijg en wat er dan gebeurt"), professional("Een paar gesprekken bij de verslavingszorg"),
			network("{naam} is mijn maatje voor de moeilijke avonden", "peer", "friend"), begeleider("Samen een plan maken voor de vrijdagavond")}},
	{"health", []string{"Ik wil merken wanneer het minder gaat, voordat het misgaat", "Mijn signalen leren herkennen"},
		[]string{"Geen opname meer.", "Zelf aan het stuur blijven als het zwaar wordt."},
		[]stepText{self("Mijn signaleringsplan in eigen woorden opschrijven"), network("{naam} kent mijn signalen en mag me erop aanspreken", "family", "partner", "friend"),
			begeleider("Het plan elke maand samen doorlopen"), professional("Het plan bespreken met de psychiater")}},
	{"leisure", []string{"Ik wil weer gaan tekenen", "Mijn tekenspullen weer uit de kast halen"},
		[]string{"Bij tekenen vergeet ik alles om me heen.", "Misschien ooit een kleine expositie in de bieb."},
		[]stepText{self("Elke zondag een uur tekenen"), at("Meedoen met {plek}", "schilderclub", "koor"), network("{naam} gaat mee naar het museum", "friend", "family")}},
	{"leisure", []string{"Ik wil bij een sportclub", "Weer voetballen, al is het bij de veteranen"},
		[]string{"Bij een team horen.", "Ik stond vroeger op doel en ik mis het."},
		[]stepText{self("Bij twee clubs een proeftraining doen"), network("{naam} kent de trainer en stelt me voor", "neighbour", "friend", "family"),
			self("Bij de gemeente vragen naar de meedoenregeling voor de contributie"), professional("De buurtsportcoach zoekt mee naar een club die past")}},
	{"leisure", []string{"Ik wil weer muziek maken", "Zingen in een koor"},
		[]string{"Muziek is mijn medicijn.", "Samen zingen zonder dat iemand vraagt hoe het met me gaat."},
		[]stepText{self("Een repetitie bijwonen bij het buurtkoor"), network("{naam} leent me een gitaar", "friend", "family", "neighbour"), self("Oefenen met filmpjes op de computer van de bieb")}},
	{"leisure", []string{"Ik wil een stukje grond om groente te kweken", "Mijn moestuin terug"},
		[]string{"Buiten bezig zijn maakt me rustig.", "Zelf tomaten eten die ik heb gekweekt."},
		[]stepText{at("Bij {plek} vragen of er een plekje vrij is", "moestuin"), network("{naam} geeft stekjes en tips", "neighbour", "family", "volunteer"), self("Twee keer per week water geven")}},
	{"meaning", []string{"Ik wil mijn verhaal gebruiken om anderen te helpen", "Ervaringsdeskundige worden"},
		[]string{"Wat ik heb meegemaakt moet ergens goed voor zijn.", "Laten zien dat herstel kan."},
		[]stepText{self("Mijn herstelverhaal opschrijven"), network("{naam} vertelt hoe de opleiding tot ervaringsdeskundige ging", "peer"),
			professional("Informatie vragen over de opleiding voor ervaringsdeskundigen"), self("Een keer mijn verhaal vertellen bij de cliëntenraad")}},
	{"meaning", []string{"Ik wil weer naar de kerk op zondag", "Weer naar de moskee op vrijdag"},
		[]string{"Mijn geloof geeft me houvast.", "Daar kennen mensen me nog van vroeger."},
		[]stepText{network("{naam} haalt me op en gaat mee", "family", "friend", "neighbour"), self("Na afloop blijven voor de koffie"), self("Vragen of ik kan helpen bij de maaltijd")}},
	{"meaning", []string{"Ik wil iets terugdoen voor de buurt", "Ergens nodig zijn"},
		[]string{"Ik heb zoveel hulp gehad; nu wil ik iets geven.", "Gezien worden als buurman, niet als cliënt."},
		[]stepText{self("Meehelpen met de buurtopruimactie"), at("Koffie schenken bij {plek}", "koffie", "huiskamer", "repair", "buurtmaaltijd", "samen eten"), network("{naam} vraagt of ik mag helpen bij de voedselbank", "neighbour", "volunteer", "friend")}},
	{"other", []string{"Ik wil zelf mijn zaken met DigiD regelen", "Leren omgaan met de computer"},
		[]string{"Dan hoef ik niet steeds mijn zus te bellen.", "Alles gaat digitaal; ik wil niet achterblijven."},
		[]stepText{self("Naar de cursus Klik & Tik in de bibliotheek"), network("{naam} helpt met het instellen van de DigiD-app", "family", "friend"),
			self("Oefenen op de computers in het wijkcentrum"), begeleider("Samen één formulier invullen; ik typ zelf")}},
}

// stepReflections are what a client wrote after a step was done.
var stepReflections = []string{
	"Ging beter dan ik dacht.",
	"De eerste keer was spannend, de tweede keer ging vanzelf.",
	"Lukte niet elke week, maar wel vaker wel dan niet.",
	"Volgende keer wil ik het alleen proberen.",
	"Moeilijk, maar ik ben trots op mezelf.",
	"Kostte meer energie dan verwacht. Ik doe het rustiger aan.",
	"Leuk om te merken dat mensen me herkenden.",
}
