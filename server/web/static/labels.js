// Dutch labels for the values of the domain (domain.md). A value the page
// does not know yet is shown as it comes, rather than hidden.

export const observationKinds = {
  place: 'Plek',
  meeting_place: 'Ontmoetingsplek',
  facility: 'Voorziening',
  initiative: 'Initiatief',
  key_person: 'Sleutelfiguur',
  barrier: 'Belemmering',
  opportunity: 'Kans',
  other: 'Overig',
};

export const thresholds = {
  low: 'Lage drempel',
  medium: 'Gemiddelde drempel',
  high: 'Hoge drempel',
  unknown: 'Drempel onbekend',
};

export const lifeDomains = {
  living: 'Wonen',
  daytime_activity: 'Dagbesteding en werk',
  finances: 'Financiën',
  relationships: 'Relaties',
  health: 'Gezondheid',
  leisure: 'Vrije tijd',
  meaning: 'Zingeving',
  other: 'Overig',
  unknown: 'Niet ingevuld',
};

export const goalStatuses = {
  idea: 'Idee',
  active: 'Mee bezig',
  achieved: 'Bereikt',
  paused: 'Gepauzeerd',
  stopped: 'Gestopt',
  unknown: 'Niet ingevuld',
};

// Who carries a step. Client and network together are "zorgen dát": the
// support worker makes sure it happens instead of doing it.
export const carriers = {
  client: 'Cliënt zelf',
  network: 'Iemand uit het netwerk',
  begeleider: 'Begeleider',
  other_professional: 'Andere professional',
};
export const zorgenDat = new Set(['client', 'network']);

export const networkSizes = {
  '0-2': '0 tot 2 mensen',
  '3-5': '3 tot 5 mensen',
  '6-9': '6 tot 9 mensen',
  '10+': '10 of meer',
};

export const informalShares = {
  '0-25%': '0–25% informeel',
  '25-50%': '25–50% informeel',
  '50-75%': '50–75% informeel',
  '75-100%': '75–100% informeel',
};

export const lastSync = {
  today: 'Vandaag',
  this_week: 'Deze week',
  older: 'Langer geleden',
  never: 'Nog nooit',
};

export const feedbackKinds = {
  question: 'Vraag',
  appreciation: 'Waardering',
  suggestion: 'Suggestie',
  unknown: 'Niet ingevuld',
};

export const safariStatuses = {
  planned: 'Gepland',
  done: 'Gelopen',
};

export function label(map, key) {
  return Object.hasOwn(map, key) ? map[key] : key;
}
