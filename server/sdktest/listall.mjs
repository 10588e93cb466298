// listall.mjs logs in with the PocketBase JS SDK as each given person, lists
// every given collection with getFullList, and prints what each person saw:
//
//   {"users/bega@example.nl": {"teams": ["id1", ...], "goals": [...]}, ...}
//
// A collection the person may not list at all appears as
// {"error": {"status": 403, "message": "..."}} instead of a list of ids.
// Any other failure (a refused login, a network error) ends the script with
// exit status 1 and the reason on stderr.
//
// Usage: node listall.mjs BASE_URL COLLECTIONS LOGIN...
//
//   BASE_URL     the server, e.g. http://127.0.0.1:8090
//   COLLECTIONS  comma-separated collection names, e.g. teams,clients,goals
//   LOGIN        COLLECTION/IDENTITY:PASSWORD, e.g. users/bega@example.nl:wachtwoord123
//                or clients/jan:wachtwoord123 (clients log in with their username)
//
// sdk_test.go runs it and checks the answer against the access rules.
import PocketBase from "pocketbase";

function usage(msg) {
  console.error(`listall: ${msg}\nusage: node listall.mjs BASE_URL COLLECTIONS LOGIN...`);
  process.exit(2);
}

function parseLogin(login) {
  const slash = login.indexOf("/");
  const colon = login.indexOf(":", slash + 1);
  if (slash <= 0 || colon <= slash + 1) {
    usage(`login ${JSON.stringify(login)}: want COLLECTION/IDENTITY:PASSWORD`);
  }
  return {
    collection: login.slice(0, slash),
    identity: login.slice(slash + 1, colon),
    password: login.slice(colon + 1),
  };
}

// logIn logs in as PocketBase's documentation shows for MFA: staff get a
// 401 with an mfaId for their password, then log in with a code by
// e-mail and the mfaId. The code comes from the Go test's mailbox
// (internal/servertest, OTPPath), as a person would read their mail.
async function logIn(pb, baseURL, collection, identity, password) {
  try {
    await pb.collection(collection).authWithPassword(identity, password);
    return;
  } catch (err) {
    const mfaId = err.status === 401 && err.response && err.response.mfaId;
    if (!mfaId) throw err;
    const { otpId } = await pb.collection(collection).requestOTP(identity);
    const res = await fetch(`${baseURL}/_test/otp?otpId=${encodeURIComponent(otpId)}`);
    if (!res.ok) throw new Error(`no login code was mailed for ${identity}`);
    await pb.collection(collection).authWithOTP(otpId, await res.text(), { mfaId });
  }
}

async function main(argv) {
  if (argv.length < 3) usage("missing arguments");
  const [baseURL, collectionList, ...logins] = argv;
  const collections = collectionList.split(",").filter((c) => c !== "");
  if (collections.length === 0) usage("no collections");

  const seen = {};
  for (const login of logins) {
    const { collection, identity, password } = parseLogin(login);
    const key = `${collection}/${identity}`;
    const pb = new PocketBase(baseURL);
    pb.autoCancellation(false);
    try {
      await logIn(pb, baseURL, collection, identity, password);
    } catch (err) {
      throw new Error(`log in as ${key}: ${err.status} ${err.message}`);
    }
    seen[key] = {};
    for (const name of collections) {
      try {
        const records = await pb.collection(name).getFullList({ fields: "id" });
        seen[key][name] = records.map((r) => r.id).sort();
      } catch (err) {
        // A status of 0 is the SDK's word for "no answer" (network error).
        if (!err.status) throw new Error(`list ${name} as ${key}: ${err.message}`);
        seen[key][name] = { error: { status: err.status, message: err.message } };
      }
    }
    pb.authStore.clear();
  }
  process.stdout.write(JSON.stringify(seen, null, 2) + "\n");
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`listall: ${err.message}`);
  process.exit(1);
});
