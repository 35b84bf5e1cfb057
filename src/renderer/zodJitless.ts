import { z } from 'zod';

// Imported first by main.tsx, before the contract builds its schemas: zod otherwise
// probes `new Function("")` to decide on its JIT, which our CSP (no 'unsafe-eval')
// blocks and Chromium reports as a violation on every start.
z.config({ jitless: true });
