// Entry point of the app pages (the compliance dashboard; see pages-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { DashboardRouter } from './components/DashboardPages.tsx';

hubspot.extend<'pages'>(() => <DashboardRouter />);
