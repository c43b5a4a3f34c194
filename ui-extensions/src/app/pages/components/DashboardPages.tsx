// The app pages' routes: the home page, the requests and the evidence, under one layout with a navigation row.
import { Flex, useExtensionContext } from '@hubspot/ui-extensions';
import { PageLink, PageRoutes, createPageRouter, type PageRoutesLayoutProps } from '@hubspot/ui-extensions/pages';
import { langFromLocale } from '../../shared/i18n.ts';
import { word } from '../utils/words.ts';
import { EvidencePage } from './EvidencePage.tsx';
import { HomePage } from './HomePage.tsx';
import { RequestsPage } from './RequestsPage.tsx';

function DashboardLayout({ children }: PageRoutesLayoutProps) {
  const context = useExtensionContext<'pages'>();
  const lang = langFromLocale(context.user.locale);
  return (
    <Flex direction="column" gap="medium">
      <Flex direction="row" gap="medium">
        <PageLink to="/">{word(lang, 'nav.home')}</PageLink>
        <PageLink to="/requests">{word(lang, 'nav.requests')}</PageLink>
        <PageLink to="/evidence">{word(lang, 'nav.evidence')}</PageLink>
      </Flex>
      {children}
    </Flex>
  );
}

export const DashboardRouter = createPageRouter(
  <PageRoutes layoutComponent={DashboardLayout}>
    <PageRoutes.IndexRoute id="home" component={HomePage} />
    <PageRoutes.Route id="requests" path="/requests" component={RequestsPage} />
    <PageRoutes.Route id="evidence" path="/evidence" component={EvidencePage} />
  </PageRoutes>,
);
