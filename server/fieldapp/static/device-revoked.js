// When the server says this phone may no longer sync (it was reported
// lost), the person is first offered what was not yet sent, as a file;
// then the sync client wipes everything on the phone, and the login comes
// back. The sync client waits for offer() before it wipes.
import { L } from './labels-nl.js';
import { el } from './dom.js';
import { forget, syncClient } from './session.js';

// offer shows the screen and resolves when the person chose.
export function offer(main, exported, loggedOut) {
  return new Promise((resolve) => {
    const done = async () => {
      main.querySelectorAll('button').forEach((b) => { b.disabled = true; });
      resolve();
      await wiped();
      forget();
      main.replaceChildren(el('h1', { tabindex: '-1' }, L.my.revokedTitle), el('p', { class: 'wiped', role: 'status' }, L.my.revokedDone),
        el('button', { type: 'button', class: 'primary', onclick: loggedOut }, L.my.revokedLogin));
    };
    const save = el('button', { type: 'button', class: 'primary', onclick: () => { download(exported); done(); } }, L.my.revokedSave);
    const skip = el('button', { type: 'button', class: 'quiet', onclick: done }, L.my.revokedSkip);
    main.replaceChildren(el('h1', { tabindex: '-1' }, L.my.revokedTitle), el('p', {}, L.my.revokedIntro),
      el('p', {}, L.my.revokedExport), save, skip);
    document.getElementById('logout')?.setAttribute('hidden', '');
    main.querySelector('h1').focus();
  });
}

// wiped resolves once the sync client has wiped the phone.
async function wiped() {
  const client = await syncClient();
  if (client.status().revoked) return;
  await new Promise((resolve) => {
    const stop = client.subscribe((st) => { if (st.revoked) { stop(); resolve(); } });
  });
}

function download(json) {
  const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  const a = el('a', { href: url, download: `samenspel-niet-verstuurd-${new Date().toISOString().slice(0, 10)}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
