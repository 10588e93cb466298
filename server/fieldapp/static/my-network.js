// My network: the people in the cliënt's life in three circles (1 is
// closest), who they are to me and what they can do, then formal help
// last. A phone number or e-mail address is asked and shown only when I
// agree that my begeleider may contact the person. The map and its forms
// are contact-edit.js, shared with the begeleider's screen.
import { L, voice } from './labels-nl.js';
import { el, heading } from './dom.js';
import { rows, byTitle } from './data.js';
import { nav } from './my-nav.js';
import { changes, noteOwn } from './seen.js';
import { networkMap } from './contact-edit.js';

export async function show(main, ctx) {
  const { client, me } = ctx;
  const contacts = (await rows(client, 'network_contacts', (c) => c.client === me.id)).sort(byTitle);
  const changed = (await changes(client, me)).length;
  heading(main, L.my.networkTitle);
  main.append(nav('network', changed), el('p', {}, L.my.networkIntro));
  networkMap(main, {
    client, V: voice(me), clientID: me.id,
    saved: async (collection, id, fields) => { await noteOwn(client, me, collection, id, fields); await ctx.refresh(); },
  }, contacts);
}
