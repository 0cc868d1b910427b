/**
 * `npm run dev-server`: the test server, standalone, so a person can point fledge at it by hand.
 * Options: --port N (default 4000; 0 = any free port), --profile mastodon|gotosocial|pleroma|hollo,
 * --window-scale X (shrink rate-limit windows, e.g. 0.001), --quiet (no request log).
 */
import { PROFILES, startTestServer, type ProfileName } from './mastodon-server/index.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const port = Number(arg('--port') ?? '4000');
  const profile = (arg('--profile') ?? 'mastodon') as ProfileName;
  if (!(profile in PROFILES)) {
    console.error(`unknown --profile ${profile}; use one of ${Object.keys(PROFILES).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const windowScale = Number(arg('--window-scale') ?? '1');
  const quiet = process.argv.includes('--quiet');
  let server;
  try {
    server = await startTestServer({
      profile,
      port,
      windowScale,
      onResponse: quiet ? undefined : (r) => console.log(`${new Date(r.at).toISOString()} ${r.method} ${r.path} → ${r.status ?? r.fault}`),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(`port ${port} is in use; try: npm run dev-server -- --port 0`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const p = server.profile;
  console.log(`fledge dev server (${p.name} profile: ${p.software} ${p.softwareVersion}) listening on ${server.url}`);
  console.log('No database: everything lives in memory and is gone when you stop it.');
  console.log('Accounts: @alice (you approve logins as her, or pick @jack on the authorize page),');
  console.log('          bob@remote.example (known remote), carol@elsewhere.example (found by search with resolve=true).');
  console.log('');
  console.log('Log in from another terminal (in the fledge checkout, after `npm run build`):');
  console.log(`  node bin/fledge.js login --instance ${server.url}`);
  console.log('open the printed URL, click "Authorize", copy the code and paste it into fledge. Then:');
  console.log('  node bin/fledge.js whoami');
  console.log('Or skip the login for scripted runs (a token for @alice, valid until the server stops):');
  console.log(`  FLEDGE_TOKEN=${server.issueToken()} node bin/fledge.js import <archive> --instance ${server.url} --yes`);
  console.log('');
  console.log('Stop with Ctrl-C.');
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
