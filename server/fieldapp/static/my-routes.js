// The cliënt's routes (#/mijn/…): app.js uses these for a cliënt instead
// of the team routes. A cliënt starts on their own goals, never on
// team-pick.
import * as myGoals from './my-goals.js';
import * as myNetwork from './my-network.js';
import * as myObservation from './my-observation.js';
import * as myChanges from './my-changes.js';

export const clientRoutes = [
  [/^$/, myGoals],
  [/^mijn\/doelen$/, myGoals],
  [/^mijn\/netwerk$/, myNetwork],
  [/^mijn\/wijksafari$/, myObservation],
  [/^mijn\/veranderd$/, myChanges],
];
