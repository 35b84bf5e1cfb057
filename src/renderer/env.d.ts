/// <reference types="vite/client" />
import type { StudioApi } from '../shared/contract';

declare global {
  interface Window {
    /** Present only inside Electron, where the preload exposes it; the browser goes over WebSocket. */
    readonly studio?: StudioApi;
  }
}
