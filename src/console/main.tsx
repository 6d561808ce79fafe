// First: it configures zod before any schema parses (see the file).
import './lib/zod-jitless';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router/dom';
import '../styles.css';
import './console.css';
import { consoleQueryClient } from './lib/query-client';
import { createConsoleRouter, handleSessionLost } from './router';

const container = document.getElementById('root');
if (!container) throw new Error('console.html must contain an element with id "root".');

const router = createConsoleRouter(consoleQueryClient);

handleSessionLost(router, consoleQueryClient);

createRoot(container).render(
  <StrictMode>
    <QueryClientProvider client={consoleQueryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
