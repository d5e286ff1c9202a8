/** Entry of the renderer: loads the schema into Monaco, then mounts the editor. */
import '@xyflow/react/dist/style.css';
import { createRoot } from 'react-dom/client';
import { flowApi } from './api-client.js';
import { App } from './app.js';
import { setupMonaco } from './editor/monaco-setup.js';
import './theme.css';
import './styles.css';
import './diagram/diagram.css';
import './panels/side-panel.css';

async function start(): Promise<void> {
  const host = document.getElementById('root');
  if (!host) throw new Error('index.html has no #root');
  const { uri, schema } = await flowApi.call('getSchema', {});
  setupMonaco(uri, schema);
  createRoot(host).render(<App />);
}

void start();
