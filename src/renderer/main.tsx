import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { createStudioClient } from './studioClient';
import { StudioStore } from './studioStore';
import { TeleprompterApp } from './teleprompter/TeleprompterApp';
import './styles.css';

// Entry point only bootstraps (STYLE.md rule 11).
const connection = createStudioClient();
const store = new StudioStore(connection);
store.start();

// One page, two rooms: `?view=teleprompter` is the host's confidence monitor (issue 5).
const teleprompter = new URLSearchParams(location.search).get('view') === 'teleprompter';
const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    {teleprompter ? <TeleprompterApp api={connection.api} store={store} /> : <App api={connection.api} store={store} />}
  </StrictMode>,
);
