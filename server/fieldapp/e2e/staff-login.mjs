// A staff login has a second step: PocketBase answers the password with
// 401 and an mfaId, the app asks for a code by e-mail and the person types
// it. The Go test keeps every mailed code and serves it at /_test/otp
// (internal/servertest, OTPPath); typeLoginCode reads it there as a
// person reads their mail, and types it in.

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
  const { otpId } = await (await otp).json();
  const res = await fetch(`${url}/_test/otp?otpId=${encodeURIComponent(otpId)}`);
  if (!res.ok) throw new Error(`no login code was mailed for OTP ${otpId}: ${res.status}`);
  await page.getByLabel('Inlogcode uit de e-mail').fill(await res.text());
  await page.getByRole('button', { name: 'Inloggen met code' }).click();
}
