// Entry point of the contact record sidebar card (see prospect-guard-contact-card-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { ComplianceCardView } from './components/ComplianceCardView.tsx';

hubspot.extend<'crm.record.sidebar'>(() => <ComplianceCardView />);
