import './zodJitless';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { createStudioClient } from './studioClient';
import { StudioStore } from './studioStore';
import './styles.css';

// Entry point only bootstraps (STYLE.md rule 11).
const connection = createStudioClient();
const store = new StudioStore(connection);
store.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <App api={connection.api} store={store} />
  </StrictMode>,
);
