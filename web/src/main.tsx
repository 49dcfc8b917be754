import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { createServices } from './app/services';
import './app/styles.css';

const services = createServices(window.location, __TRUSTED_DOCUMENTS__ ? 'hash' : 'full');
void services.session.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App services={services} />
  </StrictMode>,
);
