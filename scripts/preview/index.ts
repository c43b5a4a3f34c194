// npm run preview [-- --contacts 120] [--port 4400]: the card, the settings page and the app pages in a browser,
// without HubSpot. Starts the demo stack (stand-in HubSpot, the app on PGlite), installs, lets the backfill and a
// few live changes run, then serves the preview page and prints its links. Ctrl+C stops everything.
import { parseArgs } from 'node:util';
import { runDemo, waitForQuiet } from '../demo.ts';
import { startDemoPreview } from './demo-preview.ts';

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { contacts: { type: 'string', default: '120' }, port: { type: 'string' } } });
  try {
    const stack = await runDemo({ once: true, contacts: Number(values.contacts), quiet: true });
    const links = await startDemoPreview(stack, { settle: () => waitForQuiet(stack, 60_000), ...(values.port ? { port: Number(values.port) } : {}) });
    console.log(`Preview: ${links.preview.url}`);
    for (const c of links.contacts) console.log(`  card, ${c.example.padEnd(9)} ${links.preview.url}#card=${c.id}`);
    console.log(`  settings          ${links.preview.url}#settings`);
    console.log(`  dashboard         ${links.preview.url}#pages=/   (requests: #pages=/requests, evidence: #pages=/evidence)`);
    console.log('Press Ctrl+C to stop.');
    const stop = async () => {
      await links.preview.close().catch(() => undefined);
      await stack.stop().catch(() => undefined);
      process.exit(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
  } catch (err) {
    console.error(`preview failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    process.exit(1);
  }
}
