/// <reference types="vite/client" />

/** True in a production build (`vite build`): operations travel as trusted-document hashes only. */
declare const __TRUSTED_DOCUMENTS__: boolean;
