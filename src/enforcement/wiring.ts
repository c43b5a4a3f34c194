// Builds the enforcement services over the app's real parts: install's Db and HubSpot clients, the pipeline's
// evidence store and suppression list, and a re-judge hook (the pipeline's queue). One place adapts their APIs.
import type { Db } from '../storage/db.ts';
import { ContactEvidenceStore, SuppressionList } from '../contacts/index.ts';
import { createEvidenceLedger, type EvidenceLedger } from '../ledger/ledger.ts';
import { createCheckpointSigner, createFileCheckpointStore } from '../ledger/checkpoints.ts';
import { createLedgerAnchor, type LedgerAnchor } from '../ledger/integrity.ts';
import { processLedgerSecrets, type LedgerSecrets } from '../ledger/secrets.ts';
import { createHubSpotApi, createFetchRequester, type HubSpotApi } from './hubspot-api.ts';
import { createObjectionService, type ObjectionService } from './objections.ts';
import { createSubjectHasher, type SubjectHasher } from './subjects.ts';
import { createDsrService, type DsrService } from '../dsr/service.ts';
import type { Clock, EvidencePort, HubSpotRequester, RejudgeFn, SuppressionPort } from './ports.ts';
import { systemClock } from './ports.ts';

export interface Enforcement {
  db: Db;
  ledger: EvidenceLedger;
  /** Signed checkpoints of the ledger's heads, outside the database. */
  anchor: LedgerAnchor;
  evidence: EvidencePort;
  suppression: SuppressionPort;
  hasher: SubjectHasher;
  hubspot: HubSpotApi | null;
  objections: ObjectionService;
  dsr: DsrService;
  clock: Clock;
}

export function evidencePort(store: ContactEvidenceStore): EvidencePort {
  return {
    listConsents: (p, c) => store.listConsents(p, c),
    listObjections: (p, c) => store.listObjections(p, c),
    addObjection: async (p, c, o) => ({ id: (await store.addObjection(p, c, { channel: o.channel, at: o.at, origin: o.origin })).id }),
    forgetContact: (p, c) => store.forgetContact(p, c),
  };
}

export function suppressionPort(list: SuppressionList): SuppressionPort {
  return {
    add: async (p, ids, channels, origin) => { await list.add(p, ids, channels, origin); },
    match: (p, ids) => list.match(p, ids),
  };
}

/** A requester over install's HubSpotClients (fresh token per call, refreshed ahead of expiry). */
export function requesterFromClients(
  clients: { accessToken(portalId: number): Promise<string> }, baseUrl: string,
  limiter?: Parameters<typeof createFetchRequester>[0]['limiter'],
): HubSpotRequester {
  return createFetchRequester({ baseUrl, accessToken: (portalId) => clients.accessToken(portalId), limiter: limiter ?? null });
}

export function createEnforcement(deps: {
  db: Db;
  requester?: HubSpotRequester | null;
  rejudge?: RejudgeFn | null;
  clock?: Clock;
  log?: { warn(obj: object, msg: string): void };
  verdictOf?: (portalId: number, contactId: string) => Promise<unknown>;
  /** The app passes the configured keys (resolveLedgerSecrets); without them the keys live as long as the process. */
  ledgerSecrets?: LedgerSecrets;
  forgetQueued?: ((portalId: number, contactIds: string[]) => Promise<void>) | null;
}): Enforcement {
  const clock = deps.clock ?? systemClock;
  const secrets = deps.ledgerSecrets ?? processLedgerSecrets();
  const ledger = createEvidenceLedger(deps.db, { keys: secrets.hmacKeys });
  const anchor = createLedgerAnchor({
    ledger, clock, ...(deps.log ? { log: deps.log } : {}),
    signer: createCheckpointSigner(secrets.signingKeys),
    store: secrets.checkpointPath ? createFileCheckpointStore(secrets.checkpointPath) : null,
  });
  const evidence = evidencePort(new ContactEvidenceStore(deps.db));
  const suppression = suppressionPort(new SuppressionList(deps.db));
  const hasher = createSubjectHasher(deps.db);
  const hubspot = deps.requester ? createHubSpotApi(deps.requester) : null;
  const objections = createObjectionService({ ledger, evidence, suppression, hasher, hubspot, rejudge: deps.rejudge ?? null, clock, ...(deps.log ? { log: deps.log } : {}) });
  const dsr = createDsrService({ db: deps.db, ledger, hasher, hubspot, evidence, suppression, clock, verdictOf: deps.verdictOf ?? null, forgetQueued: deps.forgetQueued ?? null });
  return { db: deps.db, ledger, anchor, evidence, suppression, hasher, hubspot, objections, dsr, clock };
}
