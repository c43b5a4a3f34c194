// Runs the HubSpot stand-in on its own:
//   node scripts/hubspot-standin/main.ts --port 4010 --contacts 300 [--portal 146000001] [--webhook-url URL]
//     [--client-id ID --client-secret SECRET] [--no-rate-limits] [--tier marketplace|free|starter|professional|enterprise]
//     [--seed 42]
// Client id and secret default to HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET, else to development values.
import { parseArgs } from 'node:util';
import { startStandIn, TIER_LIMITS, type HubSpotTier } from './index.ts';
import { formatViolation } from './spec-violations.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    contacts: { type: 'string', default: '300' },
    portal: { type: 'string' },
    'webhook-url': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
    'no-rate-limits': { type: 'boolean', default: false },
    tier: { type: 'string', default: 'marketplace' },
    seed: { type: 'string', default: '42' },
  },
});

if (!(values.tier in TIER_LIMITS)) {
  console.error(`--tier must be one of ${Object.keys(TIER_LIMITS).join(', ')}`);
  process.exit(2);
}
const clientId = values['client-id'] ?? process.env.HUBSPOT_CLIENT_ID ?? 'standin-client-id';
const clientSecret = values['client-secret'] ?? process.env.HUBSPOT_CLIENT_SECRET ?? 'standin-client-secret';
const standIn = await startStandIn({
  onSpecViolation: (v) => console.error(`HubSpot spec violation: ${formatViolation(v)}`),
  port: Number(values.port),
  clientId,
  clientSecret,
  rateLimits: values['no-rate-limits'] ? false : undefined,
  tier: values.tier as HubSpotTier,
  webhooks: values['webhook-url'] ? { targetUrl: values['webhook-url'] } : null,
  seed: Number(values.seed),
});
const { portalId } = standIn.createAccount(values.portal ? { portalId: Number(values.portal) } : undefined);
standIn.approveInstallsAs(portalId);
const started = Date.now();
const ids = await standIn.seedContacts(portalId, Number(values.contacts), { seed: Number(values.seed) });
console.log(`HubSpot stand-in listening on ${standIn.url}`);
console.log(`  portal ${portalId}: ${ids.length} contacts seeded in ${Date.now() - started} ms; installs consent for this portal`);
console.log(`  authorize URL: ${standIn.authorizeUrl}  (client id ${clientId})`);
console.log(`  webhooks: ${values['webhook-url'] ?? 'off (pass --webhook-url)'}`);
console.log(`  rate limits: ${values['no-rate-limits'] ? 'off' : `${values.tier} (${TIER_LIMITS[values.tier as HubSpotTier].perTenSeconds} per 10 s)`}`);

const stop = async (): Promise<void> => {
  await standIn.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
