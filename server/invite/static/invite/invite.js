'use strict';

// The invite page: the code comes from the fragment (#code), which the
// browser never sends to the server. Greet, let the client choose a
// username (if they have none) and a password, accept, keep the login and
// go on to /me/.
(function () {
  const s = window.samenspel;
  const $ = (id) => document.getElementById(id);
  const code = decodeURIComponent(location.hash.replace(/^#/, '')).trim();
  const path = '/api/invites/v1/' + encodeURIComponent(code);

  const messages = {
    not_found: 'Deze uitnodigingslink klopt niet. Kijk of je de hele link hebt overgenomen, of vraag je begeleider om een nieuwe.',
    invite_used: 'Deze uitnodiging is al gebruikt. Je kunt inloggen met je gebruikersnaam en wachtwoord.',
    invite_expired: 'Deze uitnodiging is verlopen. Vraag je begeleider om een nieuwe.',
    invite_revoked: 'Er is een nieuwere uitnodiging voor je gemaakt. Gebruik de nieuwste link.',
    invite_locked: 'Er is te vaak geprobeerd met deze uitnodiging. Vraag je begeleider om een nieuwe.',
    account_disabled: 'Je account staat uit. Neem contact op met je begeleider.',
    offline: 'Er is nu geen verbinding. Probeer het straks nog eens.',
  };
  const fieldMessages = {
    validation_required: 'Dit mag niet leeg zijn.',
    validation_min_text_constraint: 'Een wachtwoord heeft minstens 8 tekens.',
    validation_max_text_constraint: 'Dit is te lang.',
    validation_values_mismatch: 'De twee wachtwoorden zijn niet hetzelfde.',
    validation_invalid_username: 'Gebruik 3 tot 100 tekens: kleine letters, cijfers, punt of streepje.',
    validation_not_unique: 'Deze gebruikersnaam is al bezet. Kies een andere.',
    validation_username_set: 'Je hebt al een gebruikersnaam.',
  };

  function status(text, bad) {
    $('status').textContent = text;
    $('status').className = bad ? 'notice bad' : 'notice';
    $('status').hidden = !text;
  }

  function refused(body) {
    status(messages[body.code] || 'Er ging iets mis. Probeer het later nog eens.', true);
    $('accept').hidden = true;
    $('handover').hidden = true;
    $('login').hidden = !(body.code === 'invite_used');
  }

  async function greet() {
    if (!code) {
      refused({ code: 'not_found' });
      return;
    }
    const r = await s.api(path, { auth: false });
    if (!r.ok) {
      refused(r.body);
      return;
    }
    const info = r.body;
    $('greeting').textContent = 'Hallo ' + info.client_name + '!';
    $('intro').textContent = 'Je bent uitgenodigd door ' + info.team_name + ' om je eigen account te maken. ' +
      'Daarmee zie je zelf je doelen, je netwerk en de wijksafari\'s waar je aan meedeed. ' +
      'Deze uitnodiging is geldig tot ' + s.date(info.expires_at) + '.';
    if (info.username) {
      $('username-value').textContent = info.username;
      $('username-known').hidden = false;
    } else {
      $('username-field').hidden = false;
    }
    status('');
    $('accept').hidden = false;
    $('qr').src = path + '/qr.svg';
    $('handover').hidden = false;
  }

  async function accept(ev) {
    ev.preventDefault();
    for (const f of ['username', 'password', 'password_confirm']) $(f + '-error').textContent = '';
    const body = { password: $('password').value, password_confirm: $('password_confirm').value };
    if (!$('username-field').hidden) body.username = $('username').value.trim().toLowerCase();
    if (body.password.length < 8) {
      $('password-error').textContent = fieldMessages.validation_min_text_constraint;
      return;
    }
    if (body.password !== body.password_confirm) {
      $('password_confirm-error').textContent = fieldMessages.validation_values_mismatch;
      return;
    }
    $('submit').disabled = true;
    const r = await s.api(path + '/accept', { json: body, auth: false });
    $('submit').disabled = false;
    if (r.ok) {
      s.saveAuth(r.body.token, r.body.record);
      history.replaceState(null, '', '/invite/'); // the code is spent; keep it out of the history
      location.assign('/me/');
      return;
    }
    if (r.body.code === 'invalid_request' && r.body.data && Object.keys(r.body.data).length) {
      for (const [field, err] of Object.entries(r.body.data)) {
        const target = $(field + '-error');
        if (target) target.textContent = fieldMessages[err.code] || err.message;
      }
      return;
    }
    refused(r.body);
  }

  $('accept').addEventListener('submit', accept);
  greet();
})();
