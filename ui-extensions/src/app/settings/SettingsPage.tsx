// Entry point of the app's settings page (see settings-hsmeta.json).
import { hubspot } from '@hubspot/ui-extensions';
import { SettingsView } from './components/SettingsView.tsx';

hubspot.extend<'settings'>(() => <SettingsView />);
