import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/app';
// The stylesheets in cascade order (later files win ties): tokens and base first, narrow screens last.
import './styles/base.css';
import './styles/layout.css';
import './styles/controls.css';
import './styles/status.css';
import './styles/conversation-list.css';
import './styles/composer.css';
import './styles/conversation.css';
import './styles/tool-cards.css';
import './styles/metrics.css';
import './styles/narrow-screens-and-motion.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
