// Tools that read contact data off profiles (LinkedIn extensions, enrichment by scraping): a source whose
// `detail` names one is scraped data, whatever kind it was filed under (CNIL SAN-2024-020, KASPR). Matched as
// whole words in the normalised detail (accents, case and punctuation ignored). Direct collection is never
// re-read (a LinkedIn lead-gen *form* is the person filling a form).
export const SCRAPING_TOOL_KEYWORDS: readonly string[] = [
  ' kaspr ', ' lusha ', ' linkedin ', ' sales navigator ', ' waalaxy ', ' phantombuster ', ' phantom buster ',
  ' apollo ', ' apollo io ', ' rocketreach ', ' contactout ', ' signalhire ', ' skrapp ', ' snov ', ' snov io ',
  ' hunter io ', ' zoominfo ', ' seamless ai ', ' cognism ', ' captain data ', ' evaboot ', ' surfe ', ' leadiq ',
  ' uplead ', ' getprospect ', ' findymail ', ' fullenrich ', ' scraping ', ' scraped ', ' scraper ', ' scrap ',
  ' aspiration ', ' aspire ', ' aspirees ', ' aspires ', ' chrome extension ', ' browser extension ',
  ' extension chrome ', ' extension linkedin ', ' profile extraction ', ' extraction de profils ',
];
