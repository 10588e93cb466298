// A staff login has a second step: PocketBase answers the password with
// 401 and an mfaId, the app asks for a code by e-mail and the person types
// it (enterMailedCode reads it where the Go test keeps it, as a person
// reads their mail, and types it in).

import { enterMailedCode } from '../../../internal/e2e/harness.mjs';

// mfaStep counts the 401s a script expects from auth-with-password (one
// per staff login), so they are not reported as problems.
export const mfaStep = { response: 0, console: 0 };

export function expectMFA() {
  mfaStep.response++;
  mfaStep.console++;
}

export function isMFAResponse(r) {
  if (r.status() === 401 && r.url().includes('/auth-with-password') && mfaStep.response > 0) {
    mfaStep.response--;
    return true;
  }
  return false;
}

export function isMFAConsole(m) {
  if (m.text().includes('status of 401') && mfaStep.console > 0) {
    mfaStep.console--;
    return true;
  }
  return false;
}

// logInStaff fills in the login form with a password, then the code.
export async function logInStaff(page, url, email, password) {
  expectMFA();
  await page.getByLabel('E-mailadres').fill(email);
  await page.getByLabel('Wachtwoord').fill(password);
  const otp = page.waitForResponse((r) => r.url().includes('/request-otp'));
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await enterMailedCode(page, url, otp);
}
