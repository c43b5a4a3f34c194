// Keeps every contact's pg_preference_url usable: contacts whose link expires within LINK_REFRESH_DAYS, and judged
// contacts with an address but no link yet (installs from before the property existed), are handed back to the
// judge step, which issues the new link with the verdict. Nothing is stored: the search itself is the
// checkpoint (refreshed contacts leave it), and the hs_object_id cursor only keeps a failing page from repeating.
import type { HubSpotApi } from '../enforcement/hubspot-api.ts';
import { systemClock, type Clock } from '../enforcement/ports.ts';
import { PROPERTY_NAMES } from '../hubspot/properties.ts';
import { LINK_REFRESH_DAYS } from './link-property.ts';

export interface LinkRefreshDeps {
  hubspot: Pick<HubSpotApi, 'searchContacts'>;
  /** The pipeline's re-judge of many contacts (pending set + one batch judgement). */
  rejudge(portalId: number, contactIds: string[]): Promise<void>;
  enabled(portalId: number): Promise<boolean>;
  clock?: Clock;
  refreshDays?: number;
}

export interface LinkRefreshReport {
  pages: number;
  rejudged: number;
  finished: boolean;
}

const PAGE = 100;
const DAY_MS = 86_400_000;

export function createLinkRefresher(deps: LinkRefreshDeps) {
  const clock = deps.clock ?? systemClock;
  const cursors = new Map<number, string>();
  return {
    async run(portalId: number, options: { maxPages?: number } = {}): Promise<LinkRefreshReport> {
      const report: LinkRefreshReport = { pages: 0, rejudged: 0, finished: false };
      if (!(await deps.enabled(portalId))) { report.finished = true; return report; }
      const now = clock.now().getTime();
      const dueBefore = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate())
        + (deps.refreshDays ?? LINK_REFRESH_DAYS) * DAY_MS;
      while (report.pages < (options.maxPages ?? 10)) {
        const cursor = cursors.get(portalId) ?? null;
        const after = cursor ? [{ propertyName: 'hs_object_id', operator: 'GT', value: cursor }] : [];
        const res = await deps.hubspot.searchContacts(portalId, {
          filterGroups: [
            { filters: [{ propertyName: PROPERTY_NAMES.preferenceUrlExpiresAt, operator: 'LT', value: String(dueBefore) }, ...after] },
            { filters: [
              { propertyName: PROPERTY_NAMES.preferenceUrl, operator: 'NOT_HAS_PROPERTY' },
              { propertyName: 'email', operator: 'HAS_PROPERTY' },
              { propertyName: PROPERTY_NAMES.evaluatedAt, operator: 'HAS_PROPERTY' },
              ...after,
            ] },
          ],
          properties: ['email'], sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: PAGE,
        });
        report.pages += 1;
        const ids = res.results.map((r) => r.id);
        if (ids.length > 0) {
          await deps.rejudge(portalId, ids);
          report.rejudged += ids.length;
        }
        if (ids.length < PAGE) {
          cursors.delete(portalId);
          report.finished = true;
          break;
        }
        cursors.set(portalId, ids[ids.length - 1] as string);
      }
      return report;
    },
  };
}
