// A cliënt's network, drawn as three circles (1 is closest): who they are,
// what they can do, contacts gone quiet and people still wished for.
// Formal help comes last. Phone and e-mail are asked and shown only when
// the cliënt agrees that staff may contact the person. The begeleider
// changes contacts with the cliënt's own forms (contact-edit.js).
import { L, voice } from './labels-nl.js';
import { el, heading } from './dom.js';
import { rows, one, byTitle } from './data.js';
import { networkMap } from './contact-edit.js';

export async function show(main, ctx, clientID) {
  const { client, me } = ctx;
  const person = await one(client, 'clients', clientID);
  const contacts = (await rows(client, 'network_contacts', (c) => c.client === clientID)).sort(byTitle);
  heading(main, L.client.networkTitle(person?.name || ''), `#/client/${clientID}`);
  main.append(el('p', {}, L.client.networkIntro));
  networkMap(main, { client, V: voice(me, person?.name || ''), clientID, saved: ctx.refresh }, contacts);
}
