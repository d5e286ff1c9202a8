/** Entry of the renderer: mounts the editor (Monaco follows, see lazy-yaml-editor.tsx). */
import '@xyflow/react/dist/style.css';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './theme.css';
import './styles.css';
import './diagram/diagram.css';
import './panels/side-panel.css';
import './panels/capture-panel.css';

const host = document.getElementById('root');
if (!host) throw new Error('index.html has no #root');
createRoot(host).render(<App />);
