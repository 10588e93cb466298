'use strict';

// The client's own page: their goals with steps, their network and the
// safaris they joined, from GET /api/me/v1/overview, and a download of
// everything stored about them (GET /api/me/v1/export).
(function () {
  const s = window.samenspel;
  const el = s.el;
  const $ = (id) => document.getElementById(id);

  const labels = {
    life_domain: { living: 'wonen', daytime_activity: 'dagbesteding en werk', finances: 'geldzaken', relationships: 'relaties',
      health: 'gezondheid', leisure: 'vrije tijd', meaning: 'zingeving', other: 'anders' },
    goal_status: { idea: 'idee', active: 'mee bezig', achieved: 'gelukt', paused: 'even gestopt', stopped: 'gestopt' },
    step_status: { planned: 'gepland', doing: 'mee bezig', done: 'gedaan', dropped: 'niet meer nodig' },
    carried_by: { client: 'ikzelf', network: 'iemand uit mijn netwerk', begeleider: 'mijn begeleider', other_professional: 'een andere hulpverlener' },
    relation: { family: 'familie', partner: 'partner', friend: 'vriend(in)', neighbour: 'buur', volunteer: 'vrijwilliger',
      informal_carer: 'mantelzorger', peer: 'ervaringsdeskundige of lotgenoot', professional: 'hulpverlener', organisation: 'organisatie', other: 'anders' },
    circle: { 1: 'heel dichtbij', 2: 'dichtbij', 3: 'wat verder weg' },
    contact_status: { active: 'contact', dormant: 'contact weer oppakken', wished: 'wil ik graag leren kennen' },
    support: { practical: 'praktische hulp', emotional: 'steun', company: 'gezelschap', advice: 'advies', care: 'zorg' },
    kind: { place: 'plek', meeting_place: 'ontmoetingsplek', facility: 'voorziening', initiative: 'initiatief', key_person: 'sleutelfiguur',
      barrier: 'drempel', opportunity: 'kans', other: 'anders' },
    threshold: { low: 'makkelijk binnen te lopen', medium: 'een beetje drempel', high: 'hoge drempel' },
    safari_status: { planned: 'gepland', done: 'gelopen' },
  };
  const label = (group, v) => (labels[group] && labels[group][v]) || v || '';

  function status(text, bad) {
    $('status').textContent = text;
    $('status').className = bad ? 'notice bad' : 'notice';
    $('status').hidden = !text;
  }

  function showLogin(message) {
    $('mine').hidden = true;
    $('login').hidden = false;
    status(message || '', !!message);
  }

  async function login(ev) {
    ev.preventDefault();
    $('login-error').textContent = '';
    const r = await s.api('/api/collections/clients/auth-with-password', {
      json: { identity: $('identity').value.trim().toLowerCase(), password: $('password').value }, auth: false,
    });
    if (!r.ok) {
      $('login-error').textContent = r.status === 0 ? 'Er is nu geen verbinding.' : 'Gebruikersnaam of wachtwoord klopt niet.';
      return;
    }
    s.saveAuth(r.body.token, r.body.record);
    $('password').value = '';
    load();
  }

  function empty(text) {
    return el('p', { class: 'empty' }, text);
  }

  function goalCard(g, contacts) {
    const steps = g.steps || [];
    return el('article', { class: 'card' },
      el('h3', {}, g.title),
      el('p', { class: 'meta' }, [label('life_domain', g.life_domain), label('goal_status', g.status),
        g.progress ? 'zelf gegeven cijfer: ' + g.progress + ' van 10' : ''].filter(Boolean).join(' · ')),
      g.why ? el('p', {}, 'Waarom: ' + g.why) : null,
      el('p', { class: 'meta' }, g.agreed_at ? 'Deze woorden heb ik goedgekeurd op ' + s.date(g.agreed_at) + '.' : 'Deze woorden heb ik nog niet goedgekeurd.'),
      steps.length ? el('ul', { class: 'steps' }, ...steps.map((st) => el('li', {},
        st.description + ' — ' + label('carried_by', st.carried_by) +
        (st.contact && contacts[st.contact] ? ' (' + contacts[st.contact] + ')' : '') +
        (st.status ? ', ' + label('step_status', st.status) : '') +
        (st.due ? ', uiterlijk ' + s.date(st.due) : '')))) : empty('Nog geen stappen.'));
  }

  function contactCard(c) {
    return el('article', { class: 'card' },
      el('h3', {}, c.name),
      el('p', { class: 'meta' }, [label('relation', c.relation), label('circle', c.circle), label('contact_status', c.status)].filter(Boolean).join(' · ')),
      (c.support || []).length ? el('p', {}, 'Kan helpen met: ' + c.support.map((x) => label('support', x)).join(', ')) : null,
      c.note ? el('p', {}, c.note) : null);
  }

  function safariCard(sf) {
    const obs = sf.observations || [];
    return el('article', { class: 'card' },
      el('h3', {}, sf.title),
      el('p', { class: 'meta' }, [s.date(sf.date), sf.area, label('safari_status', sf.status)].filter(Boolean).join(' · ')),
      obs.length ? el('ul', { class: 'plain' }, ...obs.map((o) => el('li', {},
        o.title + ' (' + label('kind', o.kind) + (o.threshold ? ', ' + label('threshold', o.threshold) : '') + ')' +
        (o.note ? ': ' + o.note : '')))) : empty('Nog niets opgeschreven.'));
  }

  async function load() {
    if (!s.loadAuth()) {
      showLogin();
      return;
    }
    const r = await s.api('/api/me/v1/overview');
    if (r.status === 401) {
      s.clearAuth();
      showLogin('Log opnieuw in.');
      return;
    }
    if (r.status === 403) {
      showLogin('Deze pagina is voor cliënten. Log in met je eigen gebruikersnaam.');
      return;
    }
    if (!r.ok) {
      status(r.status === 0 ? 'Er is nu geen verbinding.' : 'Er ging iets mis. Probeer het later nog eens.', true);
      return;
    }
    const o = r.body;
    status('');
    $('login').hidden = true;
    $('greeting').textContent = 'Hallo ' + o.account.name;
    $('account').textContent = 'Je gebruikersnaam is ' + (o.account.username || '(nog geen)') +
      (o.account.team_name ? '. Je team: ' + o.account.team_name + '.' : '.');
    const contacts = {};
    for (const c of o.network_contacts) contacts[c.id] = c.name;
    $('goals').replaceChildren(...(o.goals.length ? o.goals.map((g) => goalCard(g, contacts)) : [empty('Nog geen doelen.')]));
    $('network').replaceChildren(...(o.network_contacts.length ? o.network_contacts.map(contactCard) : [empty('Nog niemand in je netwerk opgeschreven.')]));
    $('safaris').replaceChildren(...(o.safaris.length ? o.safaris.map(safariCard) : [empty('Je deed nog niet mee aan een wijksafari.')]));
    $('mine').hidden = false;
    window.samenspelAccess.load();
  }

  async function download() {
    const r = await s.api('/api/me/v1/export', { raw: true });
    if (!r.ok) {
      status('Downloaden lukte niet. Probeer het later nog eens.', true);
      return;
    }
    const url = URL.createObjectURL(await r.res.blob());
    const a = el('a', { href: url, download: 'mijn-gegevens.json' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  $('login').addEventListener('submit', login);
  $('download').addEventListener('click', download);
  $('logout').addEventListener('click', () => {
    s.clearAuth();
    showLogin('Je bent uitgelogd.');
  });
  load();
})();
